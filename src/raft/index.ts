/** The election state machine: pure rules, a vote tally, and a node driven by an injected clock. */
export {MAX_NODE_ID, type RaftConfig, type RaftConfigInput, validateRaftConfig} from './config.js'
export type {RaftEvent, RaftEventBase, RaftEventKind, StepDownReason} from './events.js'
export {eventToJson, formatEvent, formatMs} from './log.js'
export {type PeerStatus, RaftNode, type RaftNodeOptions, type RaftStatus, type Ready} from './node.js'
export {decide, type RuleEffect, type RuleInput, type RuleMessage, type RuleOutcome} from './rules.js'
export {INITIAL_HARD_STATE, MemoryHardStateStore} from './store.js'
export {quorumSize, tallyVotes, type VoteResult, type VoteTally} from './tally.js'
export {
  describeHardState,
  type HardState,
  type HardStateStore,
  MAX_TERM,
  type Message,
  type MessageType,
  NO_NODE,
  type Reply,
  type Role,
  sameHardState,
} from './types.js'
