/**
 * Election configuration: validated once, then read-only. Times are milliseconds of the monotonic
 * clock the driver passes to tick()/step().
 */

/** The highest node id: ids share the 64-bit hard-state word with the term and the role. */
export const MAX_NODE_ID = 65535

/** Configuration as given by the caller. */
export interface RaftConfigInput {
  /** This node's id, an integer in 1..65535. */
  selfId: number
  /** Ids of every voting member, including selfId; the quorum is floor(N/2)+1 of their number. */
  members: readonly number[]
  /** Milliseconds between two heartbeats from a leader (and between two VoteRequest retransmissions). */
  heartbeatIntervalMs: number
  /** T, milliseconds: the shortest election timeout, and the check-quorum window of a leader (rule 6). */
  electionTimeoutMinMs: number
  /** Milliseconds: the longest election timeout; defaults to 2T (rule 5). */
  electionTimeoutMaxMs?: number
}

/** A validated configuration: every field set, members sorted and frozen. */
export interface RaftConfig {
  readonly selfId: number
  readonly members: readonly number[]
  readonly heartbeatIntervalMs: number
  readonly electionTimeoutMinMs: number
  readonly electionTimeoutMaxMs: number
}

/** Validate a configuration; throws an Error naming the bad field and how to fix it. */
export function validateRaftConfig(input: RaftConfigInput): RaftConfig {
  const {selfId, members, heartbeatIntervalMs: hb, electionTimeoutMinMs: min} = input
  if (!isNodeId(selfId)) fail('selfId', selfId, `must be an integer in 1..${MAX_NODE_ID}`)
  if (!Array.isArray(members) || members.length === 0) fail('members', members, 'must list the voting node ids, self included')
  const bad = members.find((id) => !isNodeId(id))
  if (bad !== undefined) fail('members', members, `holds ${bad}; every id must be an integer in 1..${MAX_NODE_ID}`)
  if (new Set(members).size !== members.length) fail('members', members, 'lists an id twice; list each voter once')
  if (!members.includes(selfId)) fail('members', members, `must include selfId ${selfId}`)
  if (!isPositive(hb)) fail('heartbeatIntervalMs', hb, 'must be a finite number of milliseconds > 0')
  if (!isPositive(min)) fail('electionTimeoutMinMs', min, 'must be a finite number of milliseconds > 0')
  if (min <= hb) {
    const why = 'or followers time out between heartbeats; 10 x is usual'
    fail('electionTimeoutMinMs', min, `must exceed heartbeatIntervalMs (${hb}) ${why}`)
  }
  const max = input.electionTimeoutMaxMs ?? 2 * min
  if (!isPositive(max) || max < min) {
    const how = `leave it out for 2 x ${min}`
    fail('electionTimeoutMaxMs', max, `must be a finite number of milliseconds >= electionTimeoutMinMs (${min}); ${how}`)
  }
  return Object.freeze({
    selfId,
    members: Object.freeze([...members].sort((a, b) => a - b)),
    heartbeatIntervalMs: hb,
    electionTimeoutMinMs: min,
    electionTimeoutMaxMs: max,
  })
}

function isNodeId(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_NODE_ID
}

function isPositive(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0
}

function fail(field: string, value: unknown, how: string): never {
  throw new Error(`invalid raft config: ${field} = ${JSON.stringify(value)} ${how}`)
}
