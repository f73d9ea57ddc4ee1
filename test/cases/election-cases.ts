/**
 * The shared election rule table (DESIGN.md "Raft election rules" 1-4), seen from node 1 of the
 * 5-member cluster {1..5} (quorum 3); node 9 is not a member. It runs against src/raft (rules and
 * RaftNode.step) and, through prog test-run, against the XDP program: one definition of the rules.
 * Names start with the rule they check; "prevote" rows check the Raft thesis §9.6 (PreVote with the
 * leader lease): a PreVoteRequest is answered without any state change, a PreVoteResponse goes on to
 * the node's count in userspace (the kernel passes it up) after rule 1 for a refusal.
 */
import type {ElectionCase, HardState} from './election-case.js'

const follower = (term: bigint, votedFor = 0): HardState => ({term, votedFor, role: 'follower'})
const candidate = (term: bigint): HardState => ({term, votedFor: 1, role: 'candidate'})
const leader = (term: bigint): HardState => ({term, votedFor: 1, role: 'leader'})

const granted = (term: bigint) => ({type: 'VoteResponse', term, flag: true}) as const
const refused = (term: bigint) => ({type: 'VoteResponse', term, flag: false}) as const
const acked = (term: bigint) => ({type: 'HeartbeatAck', term, flag: true}) as const
const nacked = (term: bigint) => ({type: 'HeartbeatAck', term, flag: false}) as const
const preGranted = (term: bigint) => ({type: 'PreVoteResponse', term, flag: true}) as const
const preRefused = (term: bigint) => ({type: 'PreVoteResponse', term, flag: false}) as const

/** 2^46: one above the highest term the shared hard-state word can hold. */
const UNSTORABLE_TERM = 1n << 46n

export const electionCases: ElectionCase[] = [
  // Rule 2: VoteRequest.
  {
    name: 'rule 2: follower grants a vote at its term when it has not voted',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 2, term: 5n},
    expect: {reply: granted(5n), after: follower(5n, 2), timerReset: true},
  },
  {
    name: 'rule 2: repeated request from the same candidate is granted again',
    before: follower(5n, 2),
    message: {type: 'VoteRequest', from: 2, term: 5n},
    expect: {reply: granted(5n), after: follower(5n, 2), timerReset: true},
  },
  {
    name: 'rule 2: follower that voted for another candidate in the term denies',
    before: follower(5n, 3),
    message: {type: 'VoteRequest', from: 2, term: 5n},
    expect: {reply: refused(5n), after: follower(5n, 3), timerReset: false},
  },
  {
    name: 'rule 2: follower that voted for itself in the term (a stepped-down candidate) denies',
    before: follower(5n, 1),
    message: {type: 'VoteRequest', from: 2, term: 5n},
    expect: {reply: refused(5n), after: follower(5n, 1), timerReset: false},
  },
  {
    name: 'rule 2: candidate denies a rival of its own term (it voted for itself)',
    before: candidate(5n),
    message: {type: 'VoteRequest', from: 2, term: 5n},
    expect: {reply: refused(5n), after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 2: leader denies a candidate of its own term',
    before: leader(5n),
    message: {type: 'VoteRequest', from: 3, term: 5n},
    expect: {reply: refused(5n), after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 2: follower denies a stale VoteRequest and replies with its current term',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 2, term: 4n},
    expect: {reply: refused(5n), after: follower(5n), timerReset: false},
  },
  {
    name: 'rule 2: stale VoteRequest from the candidate already voted for is still denied',
    before: follower(5n, 2),
    message: {type: 'VoteRequest', from: 2, term: 4n},
    expect: {reply: refused(5n), after: follower(5n, 2), timerReset: false},
  },
  {
    name: 'rule 2: candidate denies a stale VoteRequest and replies with its current term',
    before: candidate(5n),
    message: {type: 'VoteRequest', from: 3, term: 3n},
    expect: {reply: refused(5n), after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 2: leader denies a stale VoteRequest and replies with its current term',
    before: leader(5n),
    message: {type: 'VoteRequest', from: 4, term: 4n},
    expect: {reply: refused(5n), after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 1+2: higher-term VoteRequest clears an old vote, then is granted',
    before: follower(5n, 3),
    message: {type: 'VoteRequest', from: 2, term: 6n},
    expect: {reply: granted(6n), after: follower(6n, 2), timerReset: true},
  },
  {
    name: 'rule 1+2: higher-term VoteRequest to a follower without a vote is granted at the new term',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 4, term: 8n},
    expect: {reply: granted(8n), after: follower(8n, 4), timerReset: true},
  },
  {
    name: 'rule 1+2: first election from term 0 is granted',
    before: follower(0n),
    message: {type: 'VoteRequest', from: 5, term: 1n},
    expect: {reply: granted(1n), after: follower(1n, 5), timerReset: true},
  },
  {
    name: 'rule 1+2: candidate steps down on a higher-term VoteRequest and grants it',
    before: candidate(5n),
    message: {type: 'VoteRequest', from: 3, term: 6n},
    expect: {reply: granted(6n), after: follower(6n, 3), timerReset: true},
  },
  {
    name: 'rule 1+2: leader steps down on a higher-term VoteRequest and grants it',
    before: leader(5n),
    message: {type: 'VoteRequest', from: 4, term: 6n},
    expect: {reply: granted(6n), after: follower(6n, 4), timerReset: true},
  },

  // Rule 3: VoteResponse.
  {
    name: 'rule 3: candidate counts a first granted vote and stays candidate below quorum',
    before: candidate(5n),
    votesBefore: [],
    message: {type: 'VoteResponse', from: 2, term: 5n, flag: true},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 3: reaching quorum exactly (self + 1 counted + 1 new = 3 of 5) makes the candidate leader',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 3, term: 5n, flag: true},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 3: reaching quorum with votes counted in any order makes the candidate leader',
    before: candidate(7n),
    votesBefore: [5],
    message: {type: 'VoteResponse', from: 2, term: 7n, flag: true},
    expect: {reply: null, after: leader(7n), timerReset: false},
  },
  {
    name: 'rule 3: duplicate VoteResponse from a counted voter is not counted twice',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 2, term: 5n, flag: true},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 3: refused vote changes nothing',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 3, term: 5n, flag: false},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 3: stale VoteResponse is ignored even when it would complete a quorum',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 3, term: 4n, flag: true},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 3: granted VoteResponse from a non-member is not counted',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 9, term: 5n, flag: true},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 3: granted VoteResponse carrying our own id is not counted (self counts once)',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 1, term: 5n, flag: true},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 3: leader ignores a late VoteResponse of its term',
    before: leader(5n),
    message: {type: 'VoteResponse', from: 4, term: 5n, flag: true},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 3: follower ignores a VoteResponse of its term',
    before: follower(5n, 2),
    message: {type: 'VoteResponse', from: 3, term: 5n, flag: true},
    expect: {reply: null, after: follower(5n, 2), timerReset: false},
  },
  {
    name: 'rule 1: higher-term VoteResponse makes a candidate step down',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 3, term: 6n, flag: false},
    expect: {reply: null, after: follower(6n), timerReset: false},
  },
  {
    name: 'rule 1: higher-term granted VoteResponse is adopted, not counted',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'VoteResponse', from: 3, term: 6n, flag: true},
    expect: {reply: null, after: follower(6n), timerReset: false},
  },
  {
    name: 'rule 1: higher-term VoteResponse makes a leader step down',
    before: leader(5n),
    message: {type: 'VoteResponse', from: 3, term: 6n, flag: false},
    expect: {reply: null, after: follower(6n), timerReset: false},
  },
  {
    name: 'rule 1: follower adopts the term of a higher-term VoteResponse and clears its vote',
    before: follower(5n, 2),
    message: {type: 'VoteResponse', from: 3, term: 7n, flag: false},
    expect: {reply: null, after: follower(7n), timerReset: false},
  },

  // Rule 4: Heartbeat.
  {
    name: 'rule 4: follower accepts a heartbeat of its term, records the leader and resets its timer',
    before: follower(5n, 2),
    message: {type: 'Heartbeat', from: 2, term: 5n},
    expect: {reply: acked(5n), after: follower(5n, 2), timerReset: true, leaderId: 2},
  },
  {
    name: 'rule 4: follower that voted for another candidate still follows the leader of its term',
    before: follower(5n, 3),
    message: {type: 'Heartbeat', from: 2, term: 5n},
    expect: {reply: acked(5n), after: follower(5n, 3), timerReset: true, leaderId: 2},
  },
  {
    name: 'rule 4: candidate steps down on a heartbeat of its own term and keeps its vote',
    before: candidate(5n),
    votesBefore: [2],
    message: {type: 'Heartbeat', from: 3, term: 5n},
    expect: {reply: acked(5n), after: follower(5n, 1), timerReset: true, leaderId: 3},
  },
  {
    name: 'rule 1+4: follower adopts a higher-term heartbeat, clears its vote and follows',
    before: follower(5n, 3),
    message: {type: 'Heartbeat', from: 2, term: 6n},
    expect: {reply: acked(6n), after: follower(6n), timerReset: true, leaderId: 2},
  },
  {
    name: 'rule 1+4: candidate steps down on a higher-term heartbeat',
    before: candidate(5n),
    message: {type: 'Heartbeat', from: 2, term: 7n},
    expect: {reply: acked(7n), after: follower(7n), timerReset: true, leaderId: 2},
  },
  {
    name: 'rule 1+4: leader steps down on a higher-term heartbeat',
    before: leader(5n),
    message: {type: 'Heartbeat', from: 4, term: 6n},
    expect: {reply: acked(6n), after: follower(6n), timerReset: true, leaderId: 4},
  },
  {
    name: 'rule 4: follower rejects a stale heartbeat with its current term and no timer reset',
    before: follower(5n, 2),
    message: {type: 'Heartbeat', from: 3, term: 4n},
    expect: {reply: nacked(5n), after: follower(5n, 2), timerReset: false},
  },
  {
    name: 'rule 4: candidate rejects a stale heartbeat with its current term',
    before: candidate(5n),
    message: {type: 'Heartbeat', from: 2, term: 4n},
    expect: {reply: nacked(5n), after: candidate(5n), timerReset: false},
  },
  {
    name: 'rule 4: leader rejects a stale heartbeat so the stale leader steps down',
    before: leader(5n),
    message: {type: 'Heartbeat', from: 2, term: 3n},
    expect: {reply: nacked(5n), after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 4: leader refuses a heartbeat of its own term and keeps leading',
    before: leader(5n),
    message: {type: 'Heartbeat', from: 2, term: 5n},
    expect: {reply: nacked(5n), after: leader(5n), timerReset: false},
  },

  // Rule 6 inputs: HeartbeatAck.
  {
    name: 'rule 6: leader records a successful ack of its term without changing state',
    before: leader(5n),
    message: {type: 'HeartbeatAck', from: 2, term: 5n, flag: true},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 6: leader ignores an unsuccessful ack of its term',
    before: leader(5n),
    message: {type: 'HeartbeatAck', from: 2, term: 5n, flag: false},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 6: leader ignores a stale ack',
    before: leader(5n),
    message: {type: 'HeartbeatAck', from: 3, term: 4n, flag: true},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'rule 1: leader steps down on a higher-term ack',
    before: leader(5n),
    message: {type: 'HeartbeatAck', from: 3, term: 6n, flag: false},
    expect: {reply: null, after: follower(6n), timerReset: false},
  },
  {
    name: 'rule 1: candidate steps down on a higher-term ack',
    before: candidate(5n),
    message: {type: 'HeartbeatAck', from: 3, term: 6n, flag: false},
    expect: {reply: null, after: follower(6n), timerReset: false},
  },
  {
    name: 'rule 1: follower ignores an ack of its term',
    before: follower(5n, 2),
    message: {type: 'HeartbeatAck', from: 3, term: 5n, flag: true},
    expect: {reply: null, after: follower(5n, 2), timerReset: false},
  },

  // Senders that are not members, or are this node, are dropped before any rule.
  {
    name: 'membership: VoteRequest from a non-member is dropped (it would be granted otherwise)',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 9, term: 5n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: higher-term VoteRequest from a non-member does not change the term',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 9, term: 9n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: heartbeat from a non-member neither deposes a candidate nor resets its timer',
    before: candidate(5n),
    message: {type: 'Heartbeat', from: 9, term: 6n},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'membership: higher-term ack from a non-member does not depose the leader',
    before: leader(5n),
    message: {type: 'HeartbeatAck', from: 9, term: 7n, flag: false},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'membership: higher-term VoteResponse from a non-member does not depose the candidate',
    before: candidate(5n),
    message: {type: 'VoteResponse', from: 9, term: 6n, flag: false},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'membership: VoteRequest carrying our own id is dropped',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 1, term: 6n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: heartbeat carrying our own id is dropped',
    before: follower(5n),
    message: {type: 'Heartbeat', from: 1, term: 5n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: higher-term ack carrying our own id does not depose the leader',
    before: leader(5n),
    message: {type: 'HeartbeatAck', from: 1, term: 6n, flag: false},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
  {
    name: 'membership: node id 0 (none) is not a member: dropped',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 0, term: 5n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'malformed: a term the shared word cannot hold (2^46) is dropped, not adopted',
    before: follower(5n),
    message: {type: 'Heartbeat', from: 2, term: UNSTORABLE_TERM},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'rule 1: the highest storable term (2^46 - 1) is adopted',
    before: follower(5n),
    message: {type: 'VoteRequest', from: 2, term: UNSTORABLE_TERM - 1n},
    expect: {reply: granted(UNSTORABLE_TERM - 1n), after: follower(UNSTORABLE_TERM - 1n, 2), timerReset: true},
  },

  // PreVote (thesis §9.6): a PreVoteRequest changes nothing; granted iff its term is above ours,
  // we do not lead, and no leader was heard within T (the lease). The reply carries our term.
  {
    name: 'prevote: follower grants a higher term when no leader was heard within T, and changes nothing',
    before: follower(5n),
    message: {type: 'PreVoteRequest', from: 2, term: 6n},
    expect: {reply: preGranted(5n), after: follower(5n), timerReset: false},
  },
  {
    name: 'prevote: a vote already cast in the term does not matter: granted, vote kept',
    before: follower(5n, 3),
    message: {type: 'PreVoteRequest', from: 2, term: 6n},
    expect: {reply: preGranted(5n), after: follower(5n, 3), timerReset: false},
  },
  {
    name: 'prevote: first pre-vote from term 0 is granted at term 0',
    before: follower(0n),
    message: {type: 'PreVoteRequest', from: 3, term: 1n},
    expect: {reply: preGranted(0n), after: follower(0n), timerReset: false},
  },
  {
    name: 'prevote: follower that heard its leader within T denies (lease) and keeps its term',
    before: follower(5n, 2),
    leaderHeardRecently: true,
    message: {type: 'PreVoteRequest', from: 3, term: 6n},
    expect: {reply: preRefused(5n), after: follower(5n, 2), timerReset: false},
  },
  {
    name: 'prevote: the lease holds against a far higher term too: denied, term not adopted',
    before: follower(5n),
    leaderHeardRecently: true,
    message: {type: 'PreVoteRequest', from: 3, term: 40n},
    expect: {reply: preRefused(5n), after: follower(5n), timerReset: false},
  },
  {
    name: 'prevote: follower denies a pre-vote for its own term',
    before: follower(5n),
    message: {type: 'PreVoteRequest', from: 2, term: 5n},
    expect: {reply: preRefused(5n), after: follower(5n), timerReset: false},
  },
  {
    name: 'prevote: follower denies a pre-vote for a lower term and replies with its term',
    before: follower(5n, 2),
    message: {type: 'PreVoteRequest', from: 2, term: 4n},
    expect: {reply: preRefused(5n), after: follower(5n, 2), timerReset: false},
  },
  {
    name: 'prevote: candidate grants a higher term (no leader heard) and stays candidate',
    before: candidate(5n),
    message: {type: 'PreVoteRequest', from: 4, term: 6n},
    expect: {reply: preGranted(5n), after: candidate(5n), timerReset: false},
  },
  {
    name: 'prevote: candidate that heard a leader within T denies',
    before: candidate(5n),
    leaderHeardRecently: true,
    message: {type: 'PreVoteRequest', from: 4, term: 6n},
    expect: {reply: preRefused(5n), after: candidate(5n), timerReset: false},
  },
  {
    name: 'prevote: candidate denies a pre-vote for its own term',
    before: candidate(5n),
    message: {type: 'PreVoteRequest', from: 4, term: 5n},
    expect: {reply: preRefused(5n), after: candidate(5n), timerReset: false},
  },
  {
    name: 'prevote: leader denies a higher-term pre-vote and keeps leading (no step-down)',
    before: leader(5n),
    message: {type: 'PreVoteRequest', from: 2, term: 9n},
    expect: {reply: preRefused(5n), after: leader(5n), timerReset: false},
  },
  {
    name: 'prevote: leader denies a pre-vote for a lower term',
    before: leader(5n),
    message: {type: 'PreVoteRequest', from: 2, term: 3n},
    expect: {reply: preRefused(5n), after: leader(5n), timerReset: false},
  },
  {
    name: 'prevote: the lease does not apply to VoteRequests: a higher-term one is still granted (rule 1+2)',
    before: follower(5n, 2),
    leaderHeardRecently: true,
    message: {type: 'VoteRequest', from: 3, term: 6n},
    expect: {reply: granted(6n), after: follower(6n, 3), timerReset: true},
  },
  {
    name: 'membership: PreVoteRequest from a learner is dropped (learners never campaign)',
    before: follower(5n),
    message: {type: 'PreVoteRequest', from: 6, term: 6n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: PreVoteRequest from a non-member is dropped',
    before: follower(5n),
    message: {type: 'PreVoteRequest', from: 9, term: 6n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: PreVoteRequest carrying our own id is dropped',
    before: follower(5n),
    message: {type: 'PreVoteRequest', from: 1, term: 6n},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'malformed: a PreVoteRequest for a term the shared word cannot hold (2^46) is dropped',
    before: follower(5n),
    message: {type: 'PreVoteRequest', from: 2, term: UNSTORABLE_TERM},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  // PreVoteResponse: counted by the node in userspace (the kernel passes it up); only a refusal's
  // higher term matters here (rule 1). A grant carries the responder's term, at most ours.
  {
    name: 'prevote: a grant carrying the responder\'s lower term is passed up, nothing changes',
    before: follower(5n),
    message: {type: 'PreVoteResponse', from: 2, term: 4n, flag: true},
    expect: {reply: null, after: follower(5n), timerReset: false, passedUp: true},
  },
  {
    name: 'prevote: a grant at our term is passed up, nothing changes',
    before: follower(5n, 3),
    message: {type: 'PreVoteResponse', from: 2, term: 5n, flag: true},
    expect: {reply: null, after: follower(5n, 3), timerReset: false, passedUp: true},
  },
  {
    name: 'prevote: a grant carrying a higher term is passed up and its term is not adopted',
    before: follower(5n),
    message: {type: 'PreVoteResponse', from: 2, term: 7n, flag: true},
    expect: {reply: null, after: follower(5n), timerReset: false, passedUp: true},
  },
  {
    name: 'rule 1: a refusal carrying a higher term is adopted by a follower (vote cleared), then passed up',
    before: follower(5n, 3),
    message: {type: 'PreVoteResponse', from: 2, term: 7n, flag: false},
    expect: {reply: null, after: follower(7n), timerReset: false, passedUp: true},
  },
  {
    name: 'rule 1: a refusal carrying a higher term makes a candidate step down, then is passed up',
    before: candidate(5n),
    message: {type: 'PreVoteResponse', from: 4, term: 6n, flag: false},
    expect: {reply: null, after: follower(6n), timerReset: false, passedUp: true},
  },
  {
    name: 'rule 1: a refusal carrying a higher term makes a leader step down, then is passed up',
    before: leader(5n),
    message: {type: 'PreVoteResponse', from: 3, term: 6n, flag: false},
    expect: {reply: null, after: follower(6n), timerReset: false, passedUp: true},
  },
  {
    name: 'prevote: a refusal at our term is passed up, nothing changes',
    before: candidate(5n),
    message: {type: 'PreVoteResponse', from: 3, term: 5n, flag: false},
    expect: {reply: null, after: candidate(5n), timerReset: false, passedUp: true},
  },
  {
    name: 'prevote: a refusal at a lower term is passed up, nothing changes',
    before: follower(5n),
    message: {type: 'PreVoteResponse', from: 3, term: 2n, flag: false},
    expect: {reply: null, after: follower(5n), timerReset: false, passedUp: true},
  },
  {
    name: 'membership: higher-term PreVoteResponse from a learner is dropped, not adopted nor passed up',
    before: candidate(5n),
    message: {type: 'PreVoteResponse', from: 6, term: 9n, flag: false},
    expect: {reply: null, after: candidate(5n), timerReset: false},
  },
  {
    name: 'membership: granted PreVoteResponse from a non-member is dropped, not passed up',
    before: follower(5n),
    message: {type: 'PreVoteResponse', from: 9, term: 5n, flag: true},
    expect: {reply: null, after: follower(5n), timerReset: false},
  },
  {
    name: 'membership: higher-term PreVoteResponse carrying our own id is dropped',
    before: leader(5n),
    message: {type: 'PreVoteResponse', from: 1, term: 8n, flag: false},
    expect: {reply: null, after: leader(5n), timerReset: false},
  },
]
