/**
 * What the harness hears from a node: each NDJSON line of `raftctl run --log-format json`
 * parsed into a NodeLine, and anything else (stderr, a crash trace) kept as text. Every entry is
 * stamped with the harness's own monotonic clock, the one clock all nodes share in the log.
 */
import type {Role} from '../raft/types.js'

const ROLES = new Set<Role>(['follower', 'candidate', 'leader'])

/** One NDJSON event of a node. `term` is a bigint here (a string on the wire). */
export interface NodeLine {
  nodeId: number
  role: Role
  term: bigint
  kind: string
  message: string
  /** The node's own monotonic clock (ms); only comparable within one process lifetime. */
  atMs: number
  /** Every field as printed, for details such as peerId. */
  fields: Record<string, unknown>
}

/** One entry of the cluster's event log. */
export interface LogEntry {
  /** Node number in the cluster (1-based), which is also its raft id. */
  node: number
  /** The harness's performance.now() when the line arrived. */
  atMs: number
  /** The parsed event, when the line was one. */
  line?: NodeLine
  /** The raw text, for lines that are not events (and stderr). */
  text?: string
  stream: 'stdout' | 'stderr' | 'harness'
}

/** Parses one stdout line; undefined when it is not an event object (then it is shown as text). */
export function parseNodeLine(text: string): NodeLine | undefined {
  if (!text.startsWith('{')) return undefined
  let fields: Record<string, unknown>
  try {
    fields = JSON.parse(text)
  } catch {
    return undefined
  }
  const {nodeId, role, term, kind, message, atMs} = fields
  if (typeof nodeId !== 'number' || typeof kind !== 'string' || !ROLES.has(role as Role)) return undefined
  if (typeof term !== 'string' && typeof term !== 'number') return undefined
  if (!/^\d+$/.test(String(term))) return undefined
  return {
    nodeId,
    role: role as Role,
    term: BigInt(term),
    kind,
    message: typeof message === 'string' ? message : kind,
    atMs: typeof atMs === 'number' ? atMs : 0,
    fields,
  }
}

/** A numeric field of an event (peerId, votedFor, ...), if present. */
export function numberField(line: NodeLine, name: string): number | undefined {
  const value = line.fields[name]
  return typeof value === 'number' ? value : undefined
}
