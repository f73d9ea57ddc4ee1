/**
 * The vocabulary of the election state machine. These shapes are the ones the XDP program packs into
 * its shared word and its wire header, and the ones the shared rule table
 * (test/cases/election-case.ts) is written in; keep them structurally identical.
 */

/** A node's role in its current term (Raft paper §5.1). */
export type Role = 'follower' | 'candidate' | 'leader'

/** The wire message types that carry election traffic (PreVote: Raft thesis §9.6). */
export type MessageType = 'VoteRequest' | 'VoteResponse' | 'Heartbeat' | 'HeartbeatAck' | 'PreVoteRequest' | 'PreVoteResponse'

/** Node ids are integers 1..65535 (they share the 64-bit hard-state word with term and role); 0 means none. */
export const NO_NODE = 0

/**
 * The highest term the shared word can hold (46 bits; bpf/raftctl.h RAFT_MAX_TERM). A message carrying
 * a higher term is malformed and dropped, in the kernel and here alike.
 */
export const MAX_TERM = (1n << 46n) - 1n

/**
 * Raft hard state: the current term, the candidate voted for in that term (0 = none) and the role.
 * In production it is one 64-bit word shared with the kernel; it is never owned by a JS field.
 */
export interface HardState {
  term: bigint
  votedFor: number
  role: Role
}

/**
 * Where the hard state lives. In the XDP dataplane it is one 64-bit word in a BPF_F_MMAPABLE map that
 * the kernel changes at any moment on any CPU, so every change is a compare-and-swap from the state it
 * was computed from (DESIGN.md "Kernel and userspace share one hard state"); a lost CAS means the other
 * side moved first: reload and decide again.
 */
export interface HardStateStore {
  /** The current hard state (a fresh copy; the store may change right after). */
  load(): HardState
  /** Replace `expected` by `next` if the store still holds exactly `expected`; false when it does not. */
  compareAndSwap(expected: HardState, next: HardState): boolean
}

/** One election message, as received or as queued for the caller to send. */
export interface Message {
  type: MessageType
  from: number
  to: number
  term: bigint
  /** `granted` on VoteResponse and PreVoteResponse, `success` on HeartbeatAck; false on requests. */
  flag: boolean
  /** Send time in ns (Heartbeat, VoteRequest, PreVoteRequest) echoed back by the reply, so round trips match their request. */
  echo: bigint
}

/** The reply a rule decides to send back to the sender (addressing and echo are the caller's job). */
export interface Reply {
  type: MessageType
  term: bigint
  flag: boolean
}

/** True when two hard states are the same word. */
export function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.votedFor === b.votedFor && a.role === b.role
}

/** Short form for logs and assertion messages: `term 5, voted n3, follower`. */
export function describeHardState(s: HardState): string {
  const vote = s.votedFor === NO_NODE ? 'no vote' : `voted n${s.votedFor}`
  return `term ${s.term}, ${vote}, ${s.role}`
}
