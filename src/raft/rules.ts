/**
 * The election rules (DESIGN.md "Raft election rules" 1-4; Raft paper §5.1, §5.2; PreVote, Raft
 * thesis §9.6) as one pure function of (hard state, message). The XDP program implements the same semantics; the shared table in
 * test/cases/election-cases.ts holds both to it. Nothing here reads a clock or a store: the caller
 * applies `next` with a compare-and-swap from `state` and, if that loses, calls decide() again.
 */
import {tallyVotes, type VoteTally} from './tally.js'
import {type HardState, MAX_TERM, type MessageType, NO_NODE, type Reply} from './types.js'

/** The part of a received message the rules read. `flag` is granted/success; absent means false. */
export interface RuleMessage {
  type: MessageType
  from: number
  term: bigint
  flag?: boolean
}

/** Everything a decision depends on. */
export interface RuleInput {
  /** This node's id. */
  self: number
  /** The configured voters, including self; the quorum is a majority of their number. */
  members: readonly number[]
  /** The hard state the decision is computed from (the CAS's expected value). */
  state: HardState
  /** Voters other than self whose grant was already counted in `state.term` (candidates only). */
  votesBefore?: readonly number[]
  /**
   * A leader's heartbeat was accepted within the minimum election timeout (the leader lease,
   * thesis §4.2.3): PreVoteRequests are denied. Absent = not heard.
   */
  leaderHeardRecently?: boolean
  message: RuleMessage
}

/** What a message did, in words both dataplanes log. */
export type RuleEffect =
  /** The sender is not a member or is this node, or the term exceeds MAX_TERM: no reply, no change, no timer reset. */
  | 'dropped'
  /** The message's term is below ours: requests get our term back, responses are ignored. */
  | 'stale'
  | 'vote-granted'
  | 'vote-denied'
  /** A new grant was counted for our candidacy; no quorum yet. */
  | 'vote-counted'
  /** A new grant completed a quorum: the next state is leader. */
  | 'quorum-reached'
  /** A VoteResponse at our term that was refused. */
  | 'vote-rejected'
  /** A VoteResponse that counts for nothing: a duplicate, or we are not a candidate. */
  | 'vote-ignored'
  | 'heartbeat-accepted'
  /** A Heartbeat at a leader's own term (cannot happen if votes are right): refused, nothing changes. */
  | 'heartbeat-rejected'
  /** A successful HeartbeatAck to a leader at its term: record the peer's ack time (check-quorum). */
  | 'ack-recorded'
  | 'ack-ignored'
  /** A response carrying a higher term: rule 1 applied and nothing else happened. */
  | 'term-adopted'
  /** A PreVoteRequest answered yes; nothing changes (§9.6). */
  | 'pre-vote-granted'
  /** A PreVoteRequest answered no (term not above ours, we lead, or a leader lease holds); nothing changes. */
  | 'pre-vote-denied'
  /** A member's PreVoteResponse, for the node's pre-vote count (after rule 1 for a refusal). */
  | 'pre-vote-response'

/** The decision. `next` equals `state` when nothing changes. */
export interface RuleOutcome {
  next: HardState
  reply: Reply | null
  /** Whether the election timer restarts (a vote granted or a heartbeat accepted). */
  timerReset: boolean
  /** The leader this message proves (an accepted heartbeat). */
  leaderId?: number
  effect: RuleEffect
  /** Rule 1 applied: the message's higher term was adopted. */
  termAdopted: boolean
  /** The voter whose grant was counted ('vote-counted', 'quorum-reached'). */
  countedVoter?: number
  /** The tally after counting ('vote-counted', 'quorum-reached'). */
  tally?: VoteTally
}

type Step = Omit<RuleOutcome, 'termAdopted'>

/**
 * Decide what `message` does to `state`. Like etcd's Step: drop what is not ours, settle the term
 * first (rule 1), answer what every role answers the same way, then hand over to the role.
 */
export function decide(input: RuleInput): RuleOutcome {
  const {self, members, state, message} = input
  if (message.from === self || !members.includes(message.from) || message.term > MAX_TERM) {
    return {...unchanged(state, 'dropped'), termAdopted: false}
  }
  // §9.6: a PreVote leaves our state alone; a grant carries the responder's term, at most ours, so
  // its term never matters. A refusal carries a term that may be above ours: rule 1 applies to it.
  if (message.type === 'PreVoteRequest') return {...answerPreVote(input), termAdopted: false}
  if (message.type === 'PreVoteResponse' && message.flag) return {...unchanged(state, 'pre-vote-response'), termAdopted: false}
  // Rule 1: a higher term is adopted before anything else, as a follower with no vote.
  const termAdopted = message.term > state.term
  const current: HardState = termAdopted ? {term: message.term, votedFor: NO_NODE, role: 'follower'} : state
  return {...route(input, current, termAdopted), termAdopted}
}

function route(input: RuleInput, s: HardState, termAdopted: boolean): Step {
  const m = input.message
  if (m.type === 'PreVoteResponse') return unchanged(s, 'pre-vote-response')
  if (m.term < s.term) return stepStale(s, m.type)
  if (m.type === 'VoteRequest') return stepVoteRequest(s, m.from)
  switch (s.role) {
    case 'follower':
      return stepFollower(s, m, termAdopted)
    case 'candidate':
      return stepCandidate(input, s)
    case 'leader':
      return stepLeader(s, m)
  }
}

/**
 * §9.6: grant iff the term asked for is above ours, we do not lead, and no leader was heard within
 * the minimum election timeout; reply with our term. No term adopted, no vote, no timer reset.
 */
function answerPreVote(input: RuleInput): Step {
  const {state: s, message: m} = input
  const granted = m.term > s.term && s.role !== 'leader' && !input.leaderHeardRecently
  return {
    ...unchanged(s, granted ? 'pre-vote-granted' : 'pre-vote-denied'),
    reply: {type: 'PreVoteResponse', term: s.term, flag: granted},
  }
}

/** Rules 2 and 4: a stale request learns our term so a stale candidate or leader steps down. */
function stepStale(s: HardState, type: MessageType): Step {
  if (type === 'VoteRequest') return {...unchanged(s, 'stale'), reply: {type: 'VoteResponse', term: s.term, flag: false}}
  if (type === 'Heartbeat') return {...unchanged(s, 'stale'), reply: {type: 'HeartbeatAck', term: s.term, flag: false}}
  return unchanged(s, 'stale')
}

/** Rule 2: one vote per term, first come first served; a repeated request gets the same answer. */
function stepVoteRequest(s: HardState, from: number): Step {
  if (s.votedFor !== NO_NODE && s.votedFor !== from) {
    return {...unchanged(s, 'vote-denied'), reply: {type: 'VoteResponse', term: s.term, flag: false}}
  }
  return {
    next: {...s, votedFor: from},
    reply: {type: 'VoteResponse', term: s.term, flag: true},
    timerReset: true,
    effect: 'vote-granted',
  }
}

function stepFollower(s: HardState, m: RuleMessage, termAdopted: boolean): Step {
  if (m.type === 'Heartbeat') return acceptHeartbeat(s, m.from)
  if (termAdopted) return unchanged(s, 'term-adopted')
  return unchanged(s, m.type === 'VoteResponse' ? 'vote-ignored' : 'ack-ignored')
}

/** Rule 3: count each member's grant once, plus our own vote; a quorum makes us leader. */
function stepCandidate(input: RuleInput, s: HardState): Step {
  const m = input.message
  if (m.type === 'Heartbeat') return acceptHeartbeat(s, m.from) // §5.2: a leader of our term exists
  if (m.type === 'HeartbeatAck') return unchanged(s, 'ack-ignored')
  if (s.votedFor !== input.self) return unchanged(s, 'vote-ignored') // not a candidacy of ours
  if (!m.flag) return unchanged(s, 'vote-rejected')
  const before = new Set((input.votesBefore ?? []).filter((id) => id !== input.self && input.members.includes(id)))
  if (before.has(m.from)) return unchanged(s, 'vote-ignored')
  const tally = tallyVotes([input.self, ...before, m.from], [], input.members.length)
  if (tally.result !== 'won') return {...unchanged(s, 'vote-counted'), countedVoter: m.from, tally}
  return {next: {...s, role: 'leader'}, reply: null, timerReset: false, effect: 'quorum-reached', countedVoter: m.from, tally}
}

function stepLeader(s: HardState, m: RuleMessage): Step {
  if (m.type === 'Heartbeat') {
    return {...unchanged(s, 'heartbeat-rejected'), reply: {type: 'HeartbeatAck', term: s.term, flag: false}}
  }
  if (m.type === 'HeartbeatAck' && m.flag) return unchanged(s, 'ack-recorded')
  return unchanged(s, m.type === 'VoteResponse' ? 'vote-ignored' : 'ack-ignored')
}

/** Rule 4: a heartbeat at our term or above comes from the term's leader: follow it. */
function acceptHeartbeat(s: HardState, from: number): Step {
  return {
    next: {...s, role: 'follower'},
    reply: {type: 'HeartbeatAck', term: s.term, flag: true},
    timerReset: true,
    leaderId: from,
    effect: 'heartbeat-accepted',
  }
}

function unchanged(s: HardState, effect: RuleEffect): Step {
  return {next: {...s}, reply: null, timerReset: false, effect}
}
