/**
 * The lines the etcd status poller (etcd-poller.ts) prints and the harness (etcd.ts) reads: one
 * JSON object per change of a member's (leader, term), or per member that stopped answering.
 * etcd ids are uint64 and times are nanoseconds, both beyond 2^53, so they travel as decimal strings.
 */

/** A member answered with a (leader, term) different from its last answer. */
export interface StatusChange {
  /** The member's number in the cluster, 1-based (its position on the poller's command line). */
  member: number
  /** The member's own raft id (`header.member_id`). */
  id: string
  /** The raft id it follows, "0" when it knows of no leader (etcd omits a zero `leader`). */
  leader: string
  term: string
  /** process.hrtime.bigint() when the answer arrived: CLOCK_MONOTONIC, comparable across processes. */
  atNs: string
}

/** A member stopped answering (refused, reset or too slow): printed once per outage. */
export interface StatusFailure {
  member: number
  error: string
  atNs: string
}

/** One line of the poller's output. */
export type StatusLine = StatusChange | StatusFailure

/** The part of etcd's `POST /v3/maintenance/status` reply (grpc-gateway JSON) the poller reads. */
export interface EtcdStatusReply {
  header?: {member_id?: string}
  leader?: string
  raftTerm?: string
}

/** Parses one poller line; throws on anything else, so a format drift is loud. */
export function parseStatusLine(text: string): StatusLine {
  const line = JSON.parse(text) as Partial<StatusChange & StatusFailure>
  const ok = Number.isInteger(line.member) && typeof line.atNs === 'string' &&
    (typeof line.error === 'string' || (typeof line.id === 'string' && typeof line.leader === 'string' && typeof line.term === 'string'))
  if (!ok) throw new Error(`not an etcd poller line: ${text}`)
  return line as StatusLine
}
