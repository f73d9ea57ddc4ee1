/**
 * Figures 1, 7 and 8: heartbeat round trips leader -> follower -> leader as the leader measures
 * them (the send time echoed back; the kernel takes the arrival time on the xdp dataplane, Node on
 * the userspace one), and what answering them costs a follower's process in CPU time.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import type {Cluster} from '../cluster/cluster.js'
import {cpuTimeMs} from './cpu.js'
import {clearRtt, drainRtt} from './samples.js'

/** Nodes that just started still compile and warm up (a busy core for a second): not what is measured. */
const WARM_UP_MS = 2_000

/** Round trips in ms, and the CPU one follower's process spent meanwhile. */
export interface HeartbeatSampling {
  rttMs: number[]
  follower: {node: number; cpuMs: number; heartbeats: number}
}

/**
 * Collects at least `count` round trips from the cluster's members (not learners), from whichever
 * node leads, and the CPU time of one follower over the same span. Fails after `timeoutMs`.
 */
export async function sampleHeartbeats(cluster: Cluster, count: number, timeoutMs: number,
  onProgress?: (done: number) => void): Promise<HeartbeatSampling> {
  const {leader} = await cluster.waitForLeader(10_000)
  await sleep(WARM_UP_MS)
  const follower = cluster.nodes.find((n) => n !== leader)!
  const pid = cluster.pid(follower)
  if (pid === undefined) throw new Error(`n${follower}'s process is not running\n${cluster.tail()}`)
  await clearRtt(cluster)
  const cpuBefore = cpuTimeMs(pid)
  const samples = await collect(cluster, cluster.nodes, count, timeoutMs, onProgress)
  const cpuMs = cpuTimeMs(pid) - cpuBefore
  return {
    rttMs: samples.map((s) => s.rttNs / 1e6),
    follower: {node: follower, cpuMs, heartbeats: samples.filter((s) => s.peerId === follower).length},
  }
}

/** Collects at least `count` round trips measured by `sender` with peers `peerIds` (learners, say). */
export async function sampleRoundTrips(cluster: Cluster, sender: number, peerIds: number[], count: number,
  timeoutMs: number, onProgress?: (done: number) => void): Promise<number[]> {
  await sleep(WARM_UP_MS)
  await clearRtt(cluster)
  const samples = await collect(cluster, peerIds, count, timeoutMs, onProgress, [sender])
  return samples.map((s) => s.rttNs / 1e6)
}

/** Drains every `from` node four times a second until `count` samples from `peers` have come. */
async function collect(cluster: Cluster, peers: number[], count: number, timeoutMs: number,
  onProgress?: (done: number) => void, from = cluster.nodes) {
  const deadline = performance.now() + timeoutMs
  const samples = []
  while (samples.length < count) {
    if (performance.now() > deadline) {
      throw new Error(`only ${samples.length} of ${count} heartbeat round trips came within ${timeoutMs} ms\n${cluster.tail()}`)
    }
    await sleep(250)
    const dead = cluster.nodes.find((n) => cluster.failed(n))
    if (dead) throw new Error(`n${dead} exited by itself while round trips were sampled\n${cluster.tail()}`)
    const drained = (await Promise.all(from.map((n) => drainRtt(cluster, n)))).flat()
    samples.push(...drained.filter((s) => peers.includes(s.peerId)))
    onProgress?.(Math.min(samples.length, count))
  }
  return samples
}
