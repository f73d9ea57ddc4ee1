/**
 * What the XDP program reports (struct raft_event, decoded by BTF name) in the node log's words:
 * "xdp: granted vote to n3 in term 5". Every kernel line carries the event's own term and role,
 * so a reader can check votes and leaders per term from kernel lines as from the state machine's.
 */
import type {Role} from '../raft/index.js'

/** A kernel event as the log shows it. */
export interface KernelLine {
  /** The event's kind in the state machine's vocabulary where one exists ('vote-granted', ...). */
  kind: string
  /** The term and role after the event (not the node's state when the line is printed). */
  term: bigint
  role: Role
  text: string
  /** JSON-safe fields for --log-format json. */
  detail: Record<string, string | number>
}

const ROLES: Record<string, Role> = {RAFT_FOLLOWER: 'follower', RAFT_CANDIDATE: 'candidate', RAFT_LEADER: 'leader'}
const MESSAGES: Record<string, [string, string]> = {
  RAFT_MSG_VOTE_REQUEST: ['VoteRequest', 'vote request'],
  RAFT_MSG_VOTE_RESPONSE: ['VoteResponse', 'vote response'],
  RAFT_MSG_HEARTBEAT: ['Heartbeat', 'heartbeat'],
  RAFT_MSG_HEARTBEAT_ACK: ['HeartbeatAck', 'heartbeat ack'],
  RAFT_MSG_PRE_VOTE_REQUEST: ['PreVoteRequest', 'pre-vote request'],
  RAFT_MSG_PRE_VOTE_RESPONSE: ['PreVoteResponse', 'pre-vote response'],
}

function roleOf(value: unknown): Role {
  return ROLES[String(value)] ?? (['follower', 'candidate', 'leader'] as const)[Number(value)] ?? 'follower'
}

/** Acks arrive every interval from every follower: not worth a line each (nor describing). */
export function quietKernelEvent(e: Record<string, number | bigint | string>): boolean {
  return e.type === 'RAFT_EV_ACK_RECEIVED'
}

/** Describes one decoded struct raft_event; `clusterSize` is for "2/3 votes". */
export function describeKernelEvent(e: Record<string, number | bigint | string>, clusterSize: number): KernelLine {
  const term = BigInt(e.term)
  const prevTerm = BigInt(e.prev_term)
  const role = roleOf(e.role)
  const prevRole = roleOf(e.prev_role)
  const peer = `n${e.peer_id}`
  const [messageType, message] = MESSAGES[String(e.msg_type)] ?? [String(e.msg_type), String(e.msg_type)]
  const value = BigInt(e.value)
  const adopted = term !== prevTerm ? ` (adopted from ${peer}; was term ${prevTerm})` : ''
  const line = (kind: string, text: string): KernelLine => ({
    kind, term, role, text: `xdp: ${text}`,
    detail: {peerId: Number(e.peer_id), messageType, prevTerm: String(prevTerm), prevRole, value: String(value),
      ktimeNs: String(e.ktime_ns), event: String(e.type)},
  })
  switch (e.type) {
    case 'RAFT_EV_TERM_ADOPTED':
      return line('term-adopted', `adopted term ${term} from ${peer}'s ${message} (was ${prevTerm})`)
    case 'RAFT_EV_VOTE_GRANTED':
      return line('vote-granted', `granted vote to ${peer} in term ${term}${adopted}`)
    case 'RAFT_EV_VOTE_DENIED':
      return line('vote-denied', `denied vote to ${peer} in term ${term}: already voted in it${adopted}`)
    case 'RAFT_EV_VOTE_COUNTED':
      return line('vote-counted', `counted vote from ${peer} (${value}/${clusterSize} votes)`)
    case 'RAFT_EV_VOTE_REFUSED':
      return line('vote-rejected', `${peer} refused its vote in term ${term}`)
    case 'RAFT_EV_QUORUM_REACHED':
      return line('quorum-reached', `quorum reached (${value}/${clusterSize} votes); leader of term ${term}`)
    case 'RAFT_EV_HEARTBEAT':
      if (term !== prevTerm) return line('heartbeat-accepted', `adopted term ${term} from ${peer}'s heartbeat (was ${prevTerm})`)
      if (role !== prevRole) return line('heartbeat-accepted', `${peer} is the leader of term ${term}; ${prevRole} became follower`)
      // the program reports a heartbeat only when it brings news: here, the leader of this term
      return line('heartbeat-accepted', `${peer} is the leader of term ${term}`)
    case 'RAFT_EV_STALE_REJECTED':
      return line('stale-message', `stale ${message} from ${peer} (term ${value}) rejected${adopted}`)
    case 'RAFT_EV_ACK_RECEIVED':
      return line('ack-received', `heartbeat ack from ${peer} (round trip ${value} ns)`)
    case 'RAFT_EV_TERM_LIMIT':
      return line('term-limit', `refused a ${message} from ${peer} at term ${value}, above the persisted term limit; raising it`)
    case 'RAFT_EV_PRE_VOTE_GRANTED':
      return line('pre-vote-granted', `granted a pre-vote for term ${value} to ${peer} (our term ${term})`)
    case 'RAFT_EV_PRE_VOTE_DENIED':
      return line('pre-vote-denied', `denied a pre-vote for term ${value} to ${peer} (our term ${term}, ${role}, or a leader heard within T)`)
    case 'RAFT_EV_CONTENDED':
      return line('contended', `dropped a ${message} from ${peer}: the hard state kept changing; the sender retries`)
    default:
      return line('kernel', `event ${String(e.type)} from ${peer}`)
  }
}
