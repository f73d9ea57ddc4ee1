/**
 * The node's log: one line per event (DESIGN.md "Operating it"). Text lines read
 *   2025-01-01T10:00:00.123Z [LEADER] [term 7] n1 quorum reached (2/3 votes) in 3.1 ms; becoming leader
 * with the role tag coloured on a TTY; `--log-format json` prints the same events as NDJSON, one
 * object per line with at least {time, atMs, nodeId, role, term (a string), kind, message, source}
 * and the event's details. `term` and `role` are those after the event; every role or term change
 * has its own line, so readers can check "one leader per term" and "terms never decrease".
 */
import {Chalk, type ChalkInstance} from 'chalk'
import {eventToJson, formatEvent, type RaftEvent, type Role} from '../raft/index.js'
import type {NodeControl, NodeEvent} from './control.js'
import {describeKernelEvent, quietKernelEvent} from './kernel-events.js'

/** How the log is written. */
export type LogFormat = 'text' | 'json'

/** Where and how to log. */
export interface LoggerOptions {
  format: LogFormat
  /** Receives each line without its newline. */
  write: (line: string) => void
  /** Colour the role tags (text only); default: when stdout is a TTY. */
  color?: boolean
  /** Wall clock for `time`; default new Date(). */
  wallClock?: () => Date
}

/** One log line before formatting. */
interface Line {
  atMs: number
  nodeId: number
  role: Role
  term: bigint
  kind: string
  source: 'raft' | 'kernel' | 'node'
  text: string
  detail: Record<string, unknown>
}

/** Subscribes a logger to a node's events; returns the unsubscribe function. */
export function attachLogger(control: NodeControl, options: LoggerOptions): () => void {
  const chalk = new Chalk(options.color === false ? {level: 0} : options.color ? {level: 1} : {})
  const clock = options.wallClock ?? (() => new Date())
  return control.onEvent((event) => {
    const line = toLine(control, event)
    if (!line) return
    const time = clock().toISOString()
    options.write(options.format === 'json' ? jsonLine(line, time) : textLine(line, time, chalk))
  })
}

function toLine(control: NodeControl, event: NodeEvent): Line | undefined {
  if (event.source === 'raft') return raftLine(event.event)
  if (event.source === 'ack') return undefined // one per follower per interval: metrics, not log lines
  if (event.source === 'kernel' && quietKernelEvent(event.event)) return undefined // before the costly state()
  const state = control.state()
  if (event.source === 'kernel') {
    const k = describeKernelEvent(event.event, state.members.length)
    return {atMs: event.atMs, nodeId: state.nodeId, role: k.role, term: k.term, kind: k.kind, source: 'kernel', text: k.text, detail: k.detail}
  }
  const base = {atMs: event.atMs, nodeId: state.nodeId, role: state.role, term: BigInt(state.term), kind: event.kind, source: 'node' as const}
  const detail: Record<string, unknown> = event.detail === undefined ? {} : {detail: event.detail}
  switch (event.kind) {
    case 'started': {
      const vote = state.votedFor ? `voted for n${state.votedFor}` : 'no vote'
      const members = state.members.map((m) => `n${m.id}=${m.addr}`).join(' ')
      return {...base, text: `started ${state.dataplane} node ${state.addr}: ${event.detail}; members ${members}; ${vote}`,
        detail: {...detail, votedFor: state.votedFor, addr: state.addr, dataplane: state.dataplane, members: state.members}}
    }
    case 'stopping':
      return {...base, text: event.detail ? `stopping: ${event.detail}` : 'stopping', detail}
    case 'crash-started':
      return {...base, text: `crash simulated ${event.detail}: every raft packet dropped, nothing sent`, detail}
    case 'crash-ended':
      return {...base, text: `crash over: ${event.detail}`, detail}
  }
}

function raftLine(e: RaftEvent): Line {
  const detail = eventToJson(e)
  for (const key of ['nodeId', 'term', 'role', 'atMs', 'kind']) delete detail[key]
  // formatEvent says "n1 [term 7] ..."; the line has its own term column.
  const text = formatEvent(e).replace(/^n\d+ \[term \d+\] /, '')
  return {atMs: e.atMs, nodeId: e.nodeId, role: e.role, term: e.term, kind: e.kind, source: 'raft', text, detail}
}

function jsonLine(l: Line, time: string): string {
  const core = {time, atMs: Math.round(l.atMs * 1000) / 1000, nodeId: l.nodeId, role: l.role, term: String(l.term),
    kind: l.kind, source: l.source, message: l.text}
  return JSON.stringify({...core, ...l.detail, ...core}) // details never override the core fields
}

function textLine(l: Line, time: string, chalk: ChalkInstance): string {
  const paint = {follower: chalk.cyan, candidate: chalk.yellow, leader: chalk.green}[l.role]
  const text = l.source === 'kernel' ? chalk.magenta(l.text) : l.kind.startsWith('crash') ? chalk.red(l.text) : l.text
  return `${time} ${paint(`[${l.role.toUpperCase()}]`)} [term ${l.term}] n${l.nodeId} ${text}`
}
