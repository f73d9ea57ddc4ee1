/**
 * One line per event, in the voice of etcd's raft logger: `n2 [term 5] granted vote to n3`.
 * Time stamps, role tags and colour are the caller's (DESIGN.md "Operating it").
 */
import type {RaftEvent} from './events.js'
import {NO_NODE} from './types.js'

/** Render an event as one human line. */
export function formatEvent(e: RaftEvent): string {
  return `n${e.nodeId} [term ${e.term}] ${describe(e)}`
}

/** Durations read as "212 ms" or "3.1 ms": a decimal only where it carries information. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

/** The event as JSON-safe data (bigints as decimal strings) for `--log-format json`. */
export function eventToJson(e: RaftEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === 'bigint' ? v.toString() : v
  return out
}

function describe(e: RaftEvent): string {
  switch (e.kind) {
    case 'election-timeout':
      if (e.preVote) {
        const what = e.fromRole === 'candidate' ? 'election timed out without a quorum' : 'no communication from the leader'
        return `${what} in ${formatMs(e.silentMs)}; asking for pre-votes`
      }
      if (e.fromRole === 'candidate') {
        return `election timed out after ${formatMs(e.silentMs)} without a quorum; starting a new election`
      }
      return `no communication from the leader in ${formatMs(e.silentMs)}; becoming a candidate`
    case 'pre-vote-started':
      return `asking ${e.peers.map((p) => `n${p}`).join(', ')} for pre-votes for term ${e.askedTerm}`
    case 'pre-vote-received':
      return `n${e.peerId} ${e.granted ? 'granted' : 'refused'} our pre-vote (${e.grants}/${e.quorum} needed)`
    case 'pre-vote-won':
      return `pre-vote granted by ${e.grants} member${e.grants === 1 ? '' : 's'} (${e.quorum} needed); becoming a candidate`
    case 'pre-vote-answered':
      return `${e.granted ? 'granted' : 'refused'} a pre-vote for term ${e.askedTerm} to n${e.peerId}`
    case 'became-candidate':
      if (e.peers.length === 0) return 'became candidate'
      return `became candidate; requesting votes from ${e.peers.map((p) => `n${p}`).join(', ')}`
    case 'vote-received':
      return `received vote from n${e.peerId} (${e.granted}/${e.clusterSize} votes, ${e.quorum} needed)`
    case 'vote-rejected':
      return `n${e.peerId} rejected our vote request`
    case 'became-leader':
      if (e.by === 'store') return `quorum counted by the dataplane in ${formatMs(e.electionMs)}; became leader`
      return `quorum reached (${e.votes}/${e.clusterSize} votes) in ${formatMs(e.electionMs)}; becoming leader`
    case 'vote-granted':
      return `granted vote to n${e.peerId}`
    case 'vote-denied':
      return `denied vote to n${e.peerId}: already voted for n${e.votedFor}`
    case 'stale-message':
      return `rejected ${e.messageType} from n${e.peerId} at stale term ${e.messageTerm}`
    case 'term-adopted':
      return e.peerId === undefined
        ? `adopted term ${e.term} set by the dataplane (was ${e.fromTerm})`
        : `adopted term ${e.term} from n${e.peerId}'s ${e.messageType} (was ${e.fromTerm})`
    case 'stepped-down':
      return `stepped down from ${e.fromRole} to follower: ${stepDownCause(e)}`
    case 'leader-changed':
      return e.peerId === NO_NODE ? `lost track of leader n${e.previous}` : `leader is now n${e.peerId}`
    case 'check-quorum-failed':
      return `heard from ${e.acked} of ${e.quorum} needed members in the last ${formatMs(e.windowMs)}; stepping down`
    case 'terms-exhausted':
      return `no term is left above ${e.term}, the highest the hard state can hold; this node will not campaign again (reset every node's state: README, "Term exhaustion")`
    case 'message-dropped':
      return `dropped ${e.messageType} from n${e.peerId}: ${e.reason === 'self' ? 'it carries our own id' : 'not a member'}`
  }
}

function stepDownCause(e: Extract<RaftEvent, {kind: 'stepped-down'}>): string {
  switch (e.reason) {
    case 'higher-term':
      return `n${e.peerId}'s ${e.messageType} carried term ${e.term} (was ${e.fromTerm})`
    case 'heartbeat':
      return `n${e.peerId} is the leader of term ${e.term}`
    case 'check-quorum':
      return 'check-quorum failed'
    case 'store':
      return e.term === e.fromTerm ? 'the dataplane changed our role' : `the dataplane adopted term ${e.term} (was ${e.fromTerm})`
  }
}
