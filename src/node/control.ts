/**
 * What a running node offers to its operators: the HTTP API (src/api) and crash-simulate speak
 * to a node only through this interface, which the node runtime implements.
 */
import type {RaftEvent, Role} from '../raft/index.js'

/** GET /state. Times are milliseconds; `lastHeardMsAgo` is absent when the leader was never heard. */
export interface NodeStateView {
  nodeId: number
  addr: string
  role: Role
  term: string
  votedFor: number
  leaderId: number
  leaderAddr?: string
  lastHeardMsAgo?: number
  crashed: boolean
  dataplane: 'xdp' | 'userspace'
  heartbeatIntervalMs: number
  electionTimeoutMs: {min: number; max: number}
  members: Array<{id: number; addr: string}>
}

/** One row of GET /followers: a voting member or a learner, as the leader sees it. */
export interface FollowerView {
  id: number
  addr: string
  voter: boolean
  /** Milliseconds since its last successful ack; absent when never acked in this leadership. */
  lastAckMsAgo?: number
  /** Round trip of that ack, ms. */
  heartbeatRttMs?: number
}

/** The outcome of a simulated crash, once the node is back. */
export interface CrashReport {
  nodeId: number
  wasLeader: boolean
  /** Leader and term before the crash. */
  before: {leaderId: number; term: string}
  forMs: number
}

/**
 * A failure an operator caused (bad address, unknown follower): the API answers it with `status`
 * and `{error: message}`.
 */
export class ControlError extends Error {
  constructor(message: string, readonly status: 400 | 404 | 409 | 503) {
    super(message)
    this.name = 'ControlError'
  }
}

/** Every event a node emits, for logs and metrics. */
export type NodeEvent =
  | {source: 'raft'; event: RaftEvent}
  | {source: 'kernel'; event: Record<string, number | bigint | string>; atMs: number}
  | {source: 'node'; kind: 'crash-started' | 'crash-ended' | 'started' | 'stopping'; atMs: number; detail?: string}
  /**
   * As leader, a successful HeartbeatAck from a member or learner with the heartbeat's round trip
   * (send stamp echoed back; xdp: measured by the kernel, userspace: when Node handled the ack).
   * Not logged (one per follower per interval); metrics and GET /samples/heartbeat-rtt use it.
   */
  | {source: 'ack'; peerId: number; rttNs: number; atMs: number}

/** The operator-facing surface of a running node. */
export interface NodeControl {
  state(): NodeStateView
  followers(): FollowerView[]
  /** Adds a non-voting follower; ControlError 400 for a bad address, 409 if it is a voting member. */
  addLearner(addr: string, id?: number): FollowerView
  /** Removes a learner; ControlError 404 if there is none at that address, 409 for a voting member. */
  removeLearner(addr: string): void
  /** Behaves as crashed for `forMs`, then rejoins as a follower; resolves when it is back. */
  crash(forMs: number): Promise<CrashReport>
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (event: NodeEvent) => void): () => void
}
