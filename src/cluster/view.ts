/**
 * The cluster's view as a table (node, role, term, leader, heartbeat RTT), asked of every node
 * over its HTTP API (GET /state, and GET /followers of the leader for round trips). A node that
 * does not answer is shown from its last event, marked as such.
 */
import {gridTable} from '../render/table.js'
import {apiRequest} from './node-process.js'
import type {RoleView} from './tracker.js'

/** Where to ask one node. */
export interface ViewTarget {
  node: number
  addr: string
  dataplane: string
  apiSocket: string
  /** The node's state from the kernel or its events, shown (marked "?") when the API does not answer. */
  fallback?: RoleView
}

/** One row of the view. */
export interface ViewRow {
  node: string
  addr: string
  dataplane: string
  role: string
  term: string
  leader: string
  /** The leader's last heartbeat round trip to this follower, as text. */
  heartbeatRtt: string
}

interface StateReply {
  role: string
  term: string
  leaderId: number
  crashed?: boolean
}

/** Asks every node for its state, and the leader for its followers' round trips. */
export async function clusterView(targets: ViewTarget[]): Promise<ViewRow[]> {
  const states = await Promise.all(targets.map(async (t) => {
    try {
      const reply = await apiRequest(t.apiSocket, 'GET', '/state', undefined, 1000)
      return reply.status === 200 ? (reply.body as StateReply) : undefined
    } catch {
      return undefined
    }
  }))
  const leaderIndex = states.findIndex((s) => s?.role === 'leader' && !s.crashed)
  const rtts = new Map<number, number>()
  if (leaderIndex >= 0) {
    try {
      const reply = await apiRequest(targets[leaderIndex]!.apiSocket, 'GET', '/followers', undefined, 1000)
      for (const f of (reply.body as Array<{id: number; heartbeatRttMs?: number}>) ?? []) {
        if (typeof f.heartbeatRttMs === 'number') rtts.set(f.id, f.heartbeatRttMs)
      }
    } catch {
      // round trips stay unknown
    }
  }
  return targets.map((t, i) => row(t, states[i], rtts.get(t.node)))
}

function row(t: ViewTarget, state: StateReply | undefined, rttMs: number | undefined): ViewRow {
  const base = {node: `n${t.node}`, addr: t.addr, dataplane: t.dataplane}
  if (!state) {
    const f = t.fallback
    return {...base, role: f ? `${f.role}?` : 'down', term: f ? `${f.term}` : '-', leader: f?.leaderId ? `n${f.leaderId}` : '-', heartbeatRtt: '-'}
  }
  const role = state.crashed ? `${state.role} (crashed)` : state.role
  const rtt = state.crashed ? '-' : state.role === 'leader' ? '(leader)' : rttMs === undefined ? '-' : `${rttMs < 1 ? rttMs.toFixed(3) : rttMs.toFixed(2)} ms`
  return {...base, role, term: String(state.term), leader: state.leaderId ? `n${state.leaderId}` : '-', heartbeatRtt: rtt}
}

/** The rows as a table; nodes that did not answer are marked with "?" (from their last event). */
export function renderView(rows: ViewRow[]): string {
  return gridTable(['node', 'address', 'dataplane', 'role', 'term', 'leader', 'heartbeat RTT'],
    rows.map((r) => [r.node, r.addr, r.dataplane, r.role, r.term, r.leader, r.heartbeatRtt]))
}
