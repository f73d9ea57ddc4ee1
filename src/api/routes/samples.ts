/**
 * GET /samples/heartbeat-rtt: every heartbeat round trip this node measured as leader since the
 * last call (then forgotten), for benchmarks that need raw samples rather than the /metrics
 * histogram's buckets. Bounded, so a node nobody asks keeps only the newest samples.
 */
import type {FastifyInstance} from 'fastify'
import type {NodeControl} from '../../node/control.js'

/** One round trip: the follower (or learner) that acked, the round trip in ns, when it was measured (ms). */
export interface RttSample {
  peerId: number
  rttNs: number
  atMs: number
}

/** The reply: the samples in arrival order, and how many older ones were dropped to stay bounded. */
export interface RttSamplesReply {
  samples: RttSample[]
  dropped: number
}

/**
 * At 2 ms heartbeats to 2 followers this holds 20 s; benchmarks drain 4 times a second. Small,
 * because answering a full buffer (about 1 MB of JSON) holds the node's event loop for a while.
 */
export const MAX_RTT_SAMPLES = 20_000

/**
 * The newest MAX_RTT_SAMPLES round trips in typed arrays, oldest overwritten first. A leader records
 * one per ack whether or not anyone drains it: as objects they would outlive young-generation
 * collections and make each one slower, and a collection stalls the leader's heartbeats.
 */
class RttSampleRing {
  private readonly peerIds = new Uint16Array(MAX_RTT_SAMPLES)
  private readonly rttNs = new Float64Array(MAX_RTT_SAMPLES)
  private readonly atMs = new Float64Array(MAX_RTT_SAMPLES)
  private oldest = 0
  private count = 0
  private dropped = 0

  push(peerId: number, rttNs: number, atMs: number): void {
    const slot = (this.oldest + this.count) % MAX_RTT_SAMPLES
    this.peerIds[slot] = peerId
    this.rttNs[slot] = rttNs
    this.atMs[slot] = atMs
    if (this.count < MAX_RTT_SAMPLES) this.count++
    else {
      this.oldest = (this.oldest + 1) % MAX_RTT_SAMPLES
      this.dropped++
    }
  }

  /** Every sample held, oldest first, and how many were overwritten since the last drain; then empty. */
  drain(): RttSamplesReply {
    const samples = Array.from({length: this.count}, (_, i) => {
      const slot = (this.oldest + i) % MAX_RTT_SAMPLES
      return {peerId: this.peerIds[slot], rttNs: this.rttNs[slot], atMs: this.atMs[slot]}
    })
    const reply = {samples, dropped: this.dropped}
    this.oldest = this.count = this.dropped = 0
    return reply
  }
}

/** Registers GET /samples/heartbeat-rtt; returns the function that stops recording. */
export function sampleRoutes(app: FastifyInstance, control: NodeControl): () => void {
  const ring = new RttSampleRing()
  const unsubscribe = control.onEvent((e) => {
    if (e.source === 'ack') ring.push(e.peerId, e.rttNs, e.atMs)
  })
  // no HEAD route: a probe must not drain the samples
  app.get('/samples/heartbeat-rtt', {exposeHeadRoute: false}, async (): Promise<RttSamplesReply> => ring.drain())
  return unsubscribe
}
