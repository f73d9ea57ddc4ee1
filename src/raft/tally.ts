/**
 * A pure majority vote tally, after etcd-io/raft quorum/majority.go VoteResult: a vote is won once a
 * quorum granted, lost once a quorum can no longer grant, and pending otherwise.
 */

/** The outcome of a vote so far. */
export type VoteResult = 'won' | 'lost' | 'pending'

/** What a tally found: the result and the counts behind it (for log lines such as "3/5 votes"). */
export interface VoteTally {
  result: VoteResult
  granted: number
  denied: number
  /** floor(N/2)+1 of the configured cluster size N (§5.2). */
  quorum: number
  clusterSize: number
}

/** The majority of a cluster of `clusterSize` voters: floor(N/2)+1. */
export function quorumSize(clusterSize: number): number {
  if (!Number.isInteger(clusterSize) || clusterSize < 1) {
    throw new Error(`quorum of a cluster of ${clusterSize} voters: the cluster size must be an integer >= 1`)
  }
  return Math.floor(clusterSize / 2) + 1
}

/**
 * Tally distinct voters. A voter listed as both granted and denied counts as granted: a grant is
 * recorded with votedFor and never taken back within its term. The caller passes only members.
 */
export function tallyVotes(granted: Iterable<number>, denied: Iterable<number>, clusterSize: number): VoteTally {
  const quorum = quorumSize(clusterSize)
  const yes = new Set(granted)
  const no = new Set([...denied].filter((id) => !yes.has(id)))
  const missing = Math.max(0, clusterSize - yes.size - no.size)
  let result: VoteResult = 'lost'
  if (yes.size >= quorum) result = 'won'
  else if (yes.size + missing >= quorum) result = 'pending'
  return {result, granted: yes.size, denied: no.size, quorum, clusterSize}
}
