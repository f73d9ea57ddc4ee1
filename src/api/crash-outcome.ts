/**
 * What `raftctl crash-simulate` found, whichever way it crashed the node, and the lines it prints
 * about it. Terms are decimal strings, as in GET /state and every --json output.
 */
import type {Role} from '../raft/index.js'

/** A node's view at one moment. */
export interface NodeSnapshot {
  nodeId: number
  role: Role
  term: string
  /** 0 when no leader is known. */
  leaderId: number
  leaderAddr?: string
}

/** The result of one simulated crash. */
export interface CrashOutcome {
  /** api: through the running node (complete); iface: through the pinned maps (kernel only). */
  via: 'api' | 'iface'
  /** The API URL or the interface. */
  target: string
  forMs: number
  before: NodeSnapshot
  after: NodeSnapshot
  /** From the start of the crash until the node was back, ms. */
  rejoinedAfterMs: number
  /** api: from the start of the crash until the rejoined node knew the (new) leader, ms. */
  leaderKnownAfterMs?: number
}

/** "n2 (10.0.0.2)", "n1 itself" or "no leader known". */
export function describeLeader(s: NodeSnapshot): string {
  if (s.leaderId === 0) return 'no leader known'
  if (s.leaderId === s.nodeId) return `n${s.nodeId} itself`
  return s.leaderAddr ? `n${s.leaderId} (${s.leaderAddr})` : `n${s.leaderId}`
}

/** "n1 was the leader in term 5" / "n3 was a follower in term 5, leader n1 (10.0.0.1)". */
export function describeBefore(s: NodeSnapshot): string {
  if (s.role === 'leader') return `n${s.nodeId} was the leader in term ${s.term}`
  return `n${s.nodeId} was a ${s.role} in term ${s.term}, leader: ${describeLeader(s)}`
}

/** The closing line of an API crash: who leads now, in which term, and how long that took. */
export function describeNewLeader(o: CrashOutcome): string {
  const same = o.after.leaderId === o.before.leaderId && o.after.term === o.before.term
  const what = same ? 'leader unchanged' : 'new leader'
  const took = o.leaderKnownAfterMs === undefined ? ''
    : `, known ${ms(o.leaderKnownAfterMs)} after the crash began (${ms(o.leaderKnownAfterMs - o.rejoinedAfterMs)} after rejoining)`
  return `${what}: ${describeLeader(o.after)} in term ${o.after.term}${took}`
}

/** Whole milliseconds for people: "512 ms". */
export function ms(value: number): string {
  return `${Math.round(value)} ms`
}
