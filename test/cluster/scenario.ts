/**
 * Shared steps of the election scenarios (SCENARIOS.md): clusters that are destroyed in an after
 * hook whatever happens, start-up, and the E1 and E2 checks that E7 repeats on mixed dataplanes.
 * Times are in rounds (2T, T the shortest election timeout) as the scenarios state them.
 */
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {after} from 'node:test'
import {Cluster, type ClusterOptions} from '../../src/cluster/cluster.js'

/** The default heartbeat interval of `raftctl run`, ms. */
export const HEARTBEAT_MS = 50
/** The default election timeout of `raftctl run`, ms: T = 150, so a round (2T) is 300 ms. */
export const ELECTION_TIMEOUT_MS = {min: 150, max: 300}

const clusters = new Set<Cluster>()
after(async () => {
  await Promise.all([...clusters].map((c) => c.destroy()))
})

/** Creates and starts a cluster that is destroyed after the file's tests, also when one fails. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const cluster = await Cluster.create({heartbeatMs: HEARTBEAT_MS, electionTimeoutMs: ELECTION_TIMEOUT_MS, ...options})
  clusters.add(cluster)
  cluster.start()
  return cluster
}

/** Destroys a cluster now (the after hook would, later) and checks it left nothing. */
export async function stopCluster(cluster: Cluster): Promise<void> {
  await cluster.destroy()
  clusters.delete(cluster)
}

/** The scenarios' "start": every node in `nodes` started and answers its API (Cluster.waitForStart). */
export function started(cluster: Cluster, nodes = cluster.nodes, since = 0): Promise<number> {
  return cluster.waitForStart(nodes, since)
}

/** How long something took, in rounds, for messages. */
export function rounds(cluster: Cluster, ms: number): string {
  return `${(ms / cluster.roundMs).toFixed(1)} rounds (${Math.round(ms)} ms)`
}

/**
 * E1: exactly one leader within 5 rounds of start, all nodes agreeing on its term, and the
 * term and leader unchanged over 20 idle rounds.
 */
export async function checkInitialElection(cluster: Cluster): Promise<{leader: number; term: bigint; tookMs: number; sinceStartedLineMs: number}> {
  const t0 = await started(cluster)
  const elected = await cluster.waitForLeader(5 * cluster.roundMs)
  const tookMs = performance.now() - t0
  const lastStartedLine = Math.max(...cluster.log.filter((e) => e.line?.kind === 'started').map((e) => e.atMs))
  const sinceStartedLineMs = performance.now() - lastStartedLine
  await cluster.hold(20 * cluster.roundMs, () => assert.deepEqual(cluster.currentLeader(), elected, 'leader and term unchanged over 20 idle rounds'))
  assert.equal(cluster.observer.leaderHistory().length, 1, 'no other leader, ever')
  for (const n of cluster.nodes) assert.equal(cluster.view(n)?.term, elected.term, `n${n} is in the leader's term`)
  return {...elected, tookMs, sinceStartedLineMs}
}

/**
 * E2: the leader crashes (crash-simulate through its API, or kill -9 of its process); a new
 * leader with a higher term within 5 rounds; the old node rejoins as a follower of the new
 * leader without changing it (held for 10 rounds after it is back).
 */
export async function checkLeaderCrash(cluster: Cluster, how: 'crash-simulate' | 'kill'): Promise<{electedInMs: number}> {
  const before = await cluster.waitForLeader(10 * cluster.roundMs)
  const old = before.leader
  const others = () => cluster.nodes.filter((n) => n !== old)
  const crashAt = performance.now()
  const crash = how === 'kill' ? cluster.kill(old) : cluster.crash(old, 8 * cluster.roundMs)
  await cluster.waitFor(`a new leader among ${others().map((n) => `n${n}`)} in a term above ${before.term}`, () => {
    const now = cluster.currentLeader(others())
    return now !== undefined && now.term > before.term
  }, 5 * cluster.roundMs)
  const electedInMs = performance.now() - crashAt
  const after = cluster.currentLeader(others())!
  await crash
  const backAt = performance.now()
  if (how === 'kill') cluster.restart(old)
  await cluster.waitFor(`n${old} to rejoin as a follower of n${after.leader}`, () => {
    const agreed = cluster.currentLeader(cluster.nodes)
    return agreed?.leader === after.leader
  }, 20 * cluster.roundMs + (how === 'kill' ? 10_000 : 0))
  await cluster.hold(10 * cluster.roundMs, () => assert.deepEqual(cluster.currentLeader(cluster.nodes), after,
    `the rejoined n${old} did not change the leader (${rounds(cluster, performance.now() - backAt)} after its return)`))
  return {electedInMs}
}
