/**
 * Figure 6: leader changes while nothing fails. Every leader elected after the first is a
 * spurious change: some follower gave up on a healthy leader (a late heartbeat, a starved process).
 */
import type {Cluster} from '../cluster/cluster.js'

/** What a quiet window showed. */
export interface StabilityWindow {
  /** Leaders elected during the window (distinct terms with a leader): all spurious. */
  leaderChanges: number
  /** Candidacies started during the window (each one bumps the term, even when it fails). */
  elections: number
}

/** Waits for a leader, then watches the cluster for `windowMs` with no fault injected. */
export async function watchStability(cluster: Cluster, windowMs: number): Promise<StabilityWindow> {
  await cluster.waitForLeader(10_000 + 50 * cluster.electionTimeoutMs.max)
  const from = cluster.log.length
  await cluster.hold(windowMs)
  const lines = cluster.log.slice(from).flatMap((e) => (e.line ? [e.line] : []))
  const leaderTerms = new Set(lines.filter((l) => l.kind === 'quorum-reached' || l.kind === 'became-leader').map((l) => l.term))
  const candidacies = new Set(lines.filter((l) => l.kind === 'became-candidate').map((l) => `${l.nodeId}:${l.term}`))
  return {leaderChanges: leaderTerms.size, elections: candidacies.size}
}
