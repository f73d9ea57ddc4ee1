/** Structured log events of the state machine: one per transition or notable decision. */
import type {MessageType, Role} from './types.js'

/** Why a candidate or leader became a follower. */
export type StepDownReason =
  /** A message carried a higher term (rule 1). */
  | 'higher-term'
  /** A candidate heard a heartbeat from the leader of its own term (rule 4). */
  | 'heartbeat'
  /** A leader heard too few acks within the check-quorum window (rule 6). */
  | 'check-quorum'
  /** The other writer of the hard state (the kernel) made the change; seen by reconciling. */
  | 'store'

/** Fields every event has: who, in which term (after the event) and role, and when. */
export interface RaftEventBase {
  nodeId: number
  term: bigint
  role: Role
  /** The driver's monotonic clock, ms. */
  atMs: number
}

/** One event; `kind` says which detail fields it carries. */
export type RaftEvent = RaftEventBase &
  (
    /** `preVote`: the timeout starts a pre-vote round (§9.6) rather than a candidacy. */
    | {kind: 'election-timeout'; silentMs: number; fromRole: Role; preVote: boolean}
    | {kind: 'pre-vote-started'; askedTerm: bigint; peers: readonly number[]}
    | {kind: 'pre-vote-received'; peerId: number; granted: boolean; grants: number; quorum: number}
    /** Logged at the old term, just before became-candidate. */
    | {kind: 'pre-vote-won'; grants: number; quorum: number}
    /** This node answered a member's PreVoteRequest (userspace dataplane; the kernel logs its own). */
    | {kind: 'pre-vote-answered'; peerId: number; askedTerm: bigint; granted: boolean}
    | {kind: 'became-candidate'; peers: readonly number[]}
    | {kind: 'vote-received'; peerId: number; granted: number; quorum: number; clusterSize: number}
    | {kind: 'vote-rejected'; peerId: number}
    | {kind: 'became-leader'; electionMs: number; votes?: number; clusterSize: number; by: 'node' | 'store'}
    | {kind: 'vote-granted'; peerId: number}
    | {kind: 'vote-denied'; peerId: number; votedFor: number}
    | {kind: 'stale-message'; peerId: number; messageType: MessageType; messageTerm: bigint}
    | {kind: 'term-adopted'; fromTerm: bigint; peerId?: number; messageType?: MessageType}
    | {kind: 'stepped-down'; fromRole: Role; fromTerm: bigint; reason: StepDownReason; peerId?: number; messageType?: MessageType}
    | {kind: 'leader-changed'; peerId: number; previous: number}
    | {kind: 'check-quorum-failed'; acked: number; quorum: number; windowMs: number}
    /** The term is MAX_TERM: this node can never campaign again until the cluster's state is reset. */
    | {kind: 'terms-exhausted'}
    | {kind: 'message-dropped'; peerId: number; messageType: MessageType; reason: 'non-member' | 'self'}
  )

/** The event kinds, for filters and exhaustive checks. */
export type RaftEventKind = RaftEvent['kind']
