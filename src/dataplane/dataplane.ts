/**
 * The one interface both dataplanes implement (hashicorp/raft's Transport habit): `xdp`, where
 * the kernel answers VoteRequests and Heartbeats and counts responses while Node sends requests
 * and reads kernel events, and `userspace`, where Node answers everything over a UDP socket.
 * Both put the same bytes on the wire (wire.ts), so a cluster may mix them.
 */
import type {HardState, HardStateStore, Message} from '../raft/types.js'

/** A cluster member or learner: its node id and IPv4 address. */
export interface PeerAddress {
  id: number
  addr: string
}

/** Everything a dataplane needs to know about its node and cluster. */
export interface DataplaneOptions {
  /** The interface the node's address lives on (xdp attaches here). */
  iface: string
  self: PeerAddress
  /** Voting members, self included. */
  members: PeerAddress[]
  /** Non-voting followers: receive heartbeats, never counted (HTTP API POST /followers). */
  learners: PeerAddress[]
  /** UDP port of the raft protocol on every node. */
  port: number
  clusterId: number
}

/**
 * What a dataplane reports to the node driver, one event type for both implementations.
 * Times are the monotonic clock in ms (process.hrtime / bpf_ktime_get_ns, the same clock).
 */
export type DataplaneEvent =
  /**
   * A valid message from a member arrived; the driver steps the state machine with it. userspace:
   * every message; xdp: only PreVoteResponses, which the program passes up for the pre-vote count.
   */
  | {kind: 'message'; message: Message; atMs: number}
  /** xdp: the kernel granted a vote or accepted a heartbeat (election timer reset). */
  | {kind: 'timer-reset'; atMs: number; leaderId?: number}
  /** xdp: the kernel recorded a successful HeartbeatAck from a peer. */
  | {kind: 'ack'; peerId: number; atMs: number; rttNs: bigint}
  /** xdp: the kernel handled a VoteResponse for the current candidacy. */
  | {kind: 'vote-response'; peerId: number; term: bigint; granted: boolean; atMs: number}
  /** xdp: the kernel changed the hard state (term adopted, quorum reached): reconcile now. */
  | {kind: 'state-changed'; atMs: number}
  /** xdp: the kernel refused a term above the persisted term limit (rule 8 durability). */
  | {kind: 'term-limit'; term: bigint; atMs: number}
  /** xdp: a decoded struct raft_event, for logs and metrics. */
  | {kind: 'kernel'; event: Record<string, number | bigint | string>; atMs: number}
  /** The dataplane broke after start (socket or ring-buffer failure): the node cannot go on. */
  | {kind: 'error'; error: Error; atMs: number}

/**
 * Where a dataplane starts when it holds no state of its own from an earlier run of this node
 * (userspace: always; xdp: when the pinned maps were never configured by `run`).
 */
export interface DataplaneBoot {
  /** The hard state recovered from the node's state file (rule 8). */
  hardState: HardState
  /** xdp: the kernel's term limit; 0n = none. Userspace ignores it. */
  termLimit: bigint
  /**
   * xdp: saves termLimit. Called once the program is attached and before the kernel learns the
   * limit, so a start refused on the way (another program, other settings) writes nothing.
   */
  persistTermLimit?: () => void
}

/** A peer's last ack as the kernel recorded it: when (ms, monotonic clock) and its round trip (0 = unknown). */
export interface PeerAck {
  peerId: number
  atMs: number
  rttNs: bigint
}

/** One dataplane of one node. */
export interface Dataplane {
  readonly kind: 'xdp' | 'userspace'
  /** The hard state the state machine changes by compare-and-swap (shared with the kernel in xdp). */
  readonly store: HardStateStore
  /**
   * Opens sockets (and, for xdp, attaches and configures the program); events flow from here on.
   * `boot` defaults to term 0, no vote, no term limit. On failure nothing is left attached.
   */
  start(onEvent: (event: DataplaneEvent) => void, boot?: DataplaneBoot): Promise<void>
  /** One line for the node's start-up log: what runs where (mode, attached now or found). */
  describe(): string
  /**
   * xdp: when the kernel last reset the election timer (a vote granted, a heartbeat accepted),
   * read from the shared state, in ms of the monotonic clock; undefined when never. The ring
   * buffer reports the same, but later: the driver asks this before an election timeout fires.
   */
  lastTimerResetMs?(): number | undefined
  /**
   * xdp: when the kernel last accepted a heartbeat from the leader (ms, monotonic clock). It
   * reports only heartbeats that bring news (a new leader or term), so this is the fresh value.
   */
  lastLeaderHeardMs?(): number | undefined
  /**
   * xdp: each peer's last successful ack of this leader's term as the kernel recorded it (ms,
   * monotonic clock), for check-quorum. The ring buffer reports acks too, but without waking its
   * reader (one wake-up per ack was most of a leader's CPU), so possibly much later.
   */
  lastAcks?(): PeerAck[]
  /** Sends one message to a member or learner (requests; in userspace also the replies). */
  send(to: PeerAddress, message: Message): void
  /** While crashed, every inbound raft message is dropped (xdp: in the kernel) and nothing is sent. */
  setCrashed(crashed: boolean): void
  /** Replaces the set of learners (xdp: in the peers map, as non-voters). */
  setLearners(learners: PeerAddress[]): void
  /** xdp: raises the kernel's term limit once the driver has persisted it; userspace: no-op. */
  setTermLimit(limit: bigint): void
  /** Stops; xdp detaches only what start() attached and leaves pinned state. Idempotent. */
  close(): Promise<void>
}
