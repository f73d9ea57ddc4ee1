/**
 * The operator's view of a running node (GET /state, GET /followers), computed from the shared
 * hard state (the truth, also when the kernel just changed it) and the state machine's soft state.
 */
import type {PeerAddress} from '../dataplane/dataplane.js'
import type {HardState, RaftNode} from '../raft/index.js'
import type {FollowerView, NodeStateView} from './control.js'
import type {Learners} from './learners.js'

/** What the views are made of, at one moment. */
export interface ViewInput {
  node: RaftNode
  hard: HardState
  self: PeerAddress
  members: readonly PeerAddress[]
  nowMs: number
  crashed: boolean
  dataplane: 'xdp' | 'userspace'
  /** When a heartbeat of the current leader was last accepted (ms), if ever. */
  lastLeaderHeardMs?: number
}

/** GET /state. */
export function stateView(v: ViewInput): NodeStateView {
  const {node, hard, self, members} = v
  const leaderId = hard.role === 'leader' ? self.id : node.status().leaderId
  const leaderAddr = members.find((m) => m.id === leaderId)?.addr
  const heard = hard.role !== 'leader' && v.lastLeaderHeardMs !== undefined ? v.nowMs - v.lastLeaderHeardMs : undefined
  return {
    nodeId: self.id, addr: self.addr, role: hard.role, term: String(hard.term), votedFor: hard.votedFor, leaderId,
    ...(leaderAddr ? {leaderAddr} : {}),
    ...(heard === undefined ? {} : {lastHeardMsAgo: heard}),
    crashed: v.crashed, dataplane: v.dataplane, heartbeatIntervalMs: node.config.heartbeatIntervalMs,
    electionTimeoutMs: {min: node.config.electionTimeoutMinMs, max: node.config.electionTimeoutMaxMs},
    members: members.map(({id, addr}) => ({id, addr})),
  }
}

/** GET /followers: voters, then learners; ack times and round trips only while this node leads. */
export function followerViews(v: ViewInput, learners: Learners): FollowerView[] {
  const leading = v.hard.role === 'leader'
  const voters = v.node.status().peers.map((p) => ({
    id: p.id, addr: v.members.find((m) => m.id === p.id)?.addr ?? '', voter: true,
    ...(leading && p.lastAckMs !== undefined ? {lastAckMsAgo: v.nowMs - p.lastAckMs} : {}),
    ...(leading && p.rttMs !== undefined ? {heartbeatRttMs: p.rttMs} : {}),
  }))
  const others = learners.views(v.nowMs).map((l) => (leading ? l : {id: l.id, addr: l.addr, voter: false}))
  return [...voters, ...others]
}
