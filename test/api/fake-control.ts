/**
 * A NodeControl without a node: state the test sets, learners in a list, a crash that sets the
 * crashed flag for its duration, and events the test feeds by hand (emit). It answers operator
 * mistakes the way the contract in src/node/control.ts says the runtime does.
 */
import {ControlError, type CrashReport, type FollowerView, type NodeControl, type NodeEvent, type NodeStateView} from '../../src/node/control.js'
import type {RaftEvent} from '../../src/raft/index.js'

/** A three-node cluster as node 1 sees it while leader of term 5. */
export function leaderState(): NodeStateView {
  return {
    nodeId: 1, addr: '10.0.0.1', role: 'leader', term: '5', votedFor: 1, leaderId: 1, leaderAddr: '10.0.0.1',
    lastHeardMsAgo: 12, crashed: false, dataplane: 'xdp', heartbeatIntervalMs: 50,
    electionTimeoutMs: {min: 150, max: 300},
    members: [{id: 1, addr: '10.0.0.1'}, {id: 2, addr: '10.0.0.2'}, {id: 3, addr: '10.0.0.3'}],
  }
}

/** The fake; fields are public so tests can arrange and inspect. */
export class FakeControl implements NodeControl {
  current: NodeStateView = leaderState()
  learners: FollowerView[] = []
  listeners = new Set<(event: NodeEvent) => void>()
  crashes: number[] = []
  /** Called when a simulated crash ends, to move the node to what it finds on rejoining. */
  onRejoin?: (state: NodeStateView) => void
  /** Makes the next crash() reject at once with this error. */
  refuseCrash?: Error

  state(): NodeStateView {
    return this.current
  }

  followers(): FollowerView[] {
    const voters = this.current.members.filter((m) => m.id !== this.current.nodeId)
      .map((m): FollowerView => ({id: m.id, addr: m.addr, voter: true, lastAckMsAgo: 20, heartbeatRttMs: 0.042}))
    return [...voters, ...this.learners]
  }

  addLearner(addr: string, id?: number): FollowerView {
    if (this.current.members.some((m) => m.addr === addr)) throw new ControlError(`${addr} is a voting member`, 409)
    const row: FollowerView = {id: id ?? 100 + this.learners.length, addr, voter: false}
    this.learners.push(row)
    return row
  }

  removeLearner(addr: string): void {
    if (this.current.members.some((m) => m.addr === addr)) {
      throw new ControlError(`${addr} is a voting member; voters change only by restarting with new --peers`, 409)
    }
    const index = this.learners.findIndex((l) => l.addr === addr)
    if (index < 0) throw new ControlError(`no learner at ${addr}`, 404)
    this.learners.splice(index, 1)
  }

  async crash(forMs: number): Promise<CrashReport> {
    if (this.refuseCrash) throw this.refuseCrash
    this.crashes.push(forMs)
    const before = {leaderId: this.current.leaderId, term: this.current.term}
    const wasLeader = this.current.role === 'leader'
    this.current = {...this.current, crashed: true}
    await new Promise((resolve) => setTimeout(resolve, forMs))
    this.current = {...this.current, crashed: false, role: 'follower', leaderId: 0, leaderAddr: undefined}
    this.onRejoin?.(this.current)
    return {nodeId: this.current.nodeId, wasLeader, before, forMs}
  }

  onEvent(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Delivers an event to every subscriber, as the runtime would. */
  emit(event: NodeEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  /** Delivers a raft event of node 1 with the given detail. */
  emitRaft(detail: Record<string, unknown> & {kind: RaftEvent['kind']}): void {
    this.emit({source: 'raft', event: {nodeId: 1, term: 5n, role: 'leader', atMs: 0, ...detail} as RaftEvent})
  }

  /** Delivers a decoded struct raft_event as the XDP dataplane would. */
  emitKernel(type: string, value: bigint, peerId = 2): void {
    this.emit({source: 'kernel', atMs: 0, event: {type, value, peer_id: peerId, term: 5n, prev_term: 5n,
      ktime_ns: 1n, msg_type: 'RAFT_MSG_HEARTBEAT_ACK', role: 'RAFT_LEADER', prev_role: 'RAFT_LEADER'}})
  }
}
