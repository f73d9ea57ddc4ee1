/**
 * The shape of one row of the election rule table (DESIGN.md "Raft election rules" 1-4).
 * The same rows run against the TypeScript state machine (src/raft) and, through prog test-run,
 * against the XDP program, so both implementations are held to one definition of the rules.
 *
 * Every case is seen from node 1 of a 5-member cluster {1, 2, 3, 4, 5} (quorum 3); node 9 is not a member.
 */
export type Role = 'follower' | 'candidate' | 'leader'

/** The wire message types that carry election traffic (PreVote: Raft thesis §9.6). */
export type MessageType = 'VoteRequest' | 'VoteResponse' | 'Heartbeat' | 'HeartbeatAck' | 'PreVoteRequest' | 'PreVoteResponse'

/** Raft hard state: term, the candidate voted for in that term (0 = none), and the role. */
export interface HardState {
  term: bigint
  votedFor: number
  role: Role
}

export interface ElectionCase {
  /** Names the rule it checks, e.g. "rule 2: repeated request from the same candidate is granted again". */
  name: string
  /** State of node 1 before the message arrives. */
  before: HardState
  /**
   * Node 1 heard a leader's heartbeat within the minimum election timeout (the leader lease that
   * makes it deny PreVotes, thesis §9.6); absent = it has not.
   */
  leaderHeardRecently?: boolean
  /** For candidate cases: voters (other than node 1 itself) already counted in `before.term`. */
  votesBefore?: number[]
  /** The message node 1 receives. `flag` is `granted` on (Pre)VoteResponse and `success` on HeartbeatAck. */
  message: {type: MessageType; from: number; term: bigint; flag?: boolean}
  expect: {
    /** The reply node 1 sends back, or null when it sends none. */
    reply: null | {type: MessageType; term: bigint; flag: boolean}
    /** State of node 1 after the message. */
    after: HardState
    /** Whether the election timer was reset (vote granted, or a heartbeat accepted). */
    timerReset: boolean
    /** The leader node 1 knows after the message, when the message tells it (a valid heartbeat). */
    leaderId?: number
    /**
     * The message goes on to node 1's pre-vote count in userspace (a member's PreVoteResponse): the
     * kernel passes it up (XDP_PASS) after any rule-1 change. Absent = false.
     */
    passedUp?: boolean
  }
}
