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

/** Registers GET /samples/heartbeat-rtt; returns the function that stops recording. */
export function sampleRoutes(app: FastifyInstance, control: NodeControl): () => void {
  let samples: RttSample[] = []
  let dropped = 0
  const unsubscribe = control.onEvent((e) => {
    if (e.source !== 'ack') return
    if (samples.length >= MAX_RTT_SAMPLES) { // drop the older half at once: amortised O(1) per sample
      dropped += MAX_RTT_SAMPLES / 2
      samples = samples.slice(MAX_RTT_SAMPLES / 2)
    }
    samples.push({peerId: e.peerId, rttNs: e.rttNs, atMs: e.atMs})
  })
  // no HEAD route: a probe must not drain the samples
  app.get('/samples/heartbeat-rtt', {exposeHeadRoute: false}, async (): Promise<RttSamplesReply> => {
    const reply = {samples, dropped}
    samples = []
    dropped = 0
    return reply
  })
  return unsubscribe
}
