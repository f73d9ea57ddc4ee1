/**
 * Each node's role, term and known leader as its own events tell them, kept up to date from the
 * event stream. A view is only as fresh as the node's last event, which lags when the node's
 * process is starved of CPU: for xdp nodes the harness reads the kernel's state instead
 * (Cluster.view), and the table of `cluster up` asks the HTTP API (view.ts).
 */
import type {Role} from '../raft/types.js'
import type {LogEntry} from './events.js'
import {numberField} from './events.js'

/** One node's latest known state. */
export interface NodeView {
  node: number
  role: Role
  term: bigint
  /** 0 when unknown. */
  leaderId: number
  /** Harness time of the last event, ms. */
  lastEventAtMs: number
  /** Between its crash-started and crash-ended events (crash-simulate). */
  crashed: boolean
}

/** The latest view of every node, from their events. */
export class RoleTracker {
  private readonly views = new Map<number, NodeView>()

  /** Feeds one log entry. */
  observe(entry: LogEntry): void {
    const line = entry.line
    if (!line) return
    const view = this.views.get(entry.node) ?? {node: entry.node, role: line.role, term: line.term, leaderId: 0, lastEventAtMs: 0, crashed: false}
    // a kernel line can arrive after the state machine already moved to a later term
    if (line.term < view.term) return
    if (line.term !== view.term) view.leaderId = 0
    view.role = line.role
    view.term = line.term
    view.lastEventAtMs = entry.atMs
    if (line.role === 'leader') view.leaderId = entry.node
    if (line.kind === 'crash-started' || line.kind === 'crash-ended') view.crashed = line.kind === 'crash-started'
    if (line.kind === 'leader-changed') view.leaderId = numberField(line, 'peerId') ?? 0
    // the kernel's "n3 is the leader of term 5" line names the leader before the state machine does
    if (line.kind === 'heartbeat-accepted' && line.role === 'follower') view.leaderId = numberField(line, 'peerId') ?? view.leaderId
    this.views.set(entry.node, view)
  }

  /** Forgets a node (its process is gone; it comes back with fresh events). */
  forget(node: number): void {
    this.views.delete(node)
  }

  /** The view of a node, if it has printed any event. */
  view(node: number): NodeView | undefined {
    const view = this.views.get(node)
    return view && {...view}
  }
}

/** What agreement needs to know of one node. */
export type RoleView = Pick<NodeView, 'node' | 'role' | 'term' | 'leaderId'>

/**
 * The leader that all `views` agree on: exactly one of them leads term T and every other one is a
 * follower of term T that names it. Undefined while any view is missing or disagrees.
 */
export function agreedLeader(views: Array<RoleView | undefined>): {leader: number; term: bigint} | undefined {
  if (views.some((v) => !v)) return undefined
  const leaders = views.filter((v) => v!.role === 'leader')
  if (leaders.length !== 1) return undefined
  const {node: leader, term} = leaders[0]!
  const agree = views.every((v) => v!.term === term && (v!.node === leader || (v!.role === 'follower' && v!.leaderId === leader)))
  return agree ? {leader, term} : undefined
}
