// One line per event, in the voice the design asks for.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {RaftEvent} from '../../src/raft/events.js'
import {eventToJson, formatEvent} from '../../src/raft/log.js'

const at = {atMs: 0, role: 'follower'} as const

test('log: lines read like "n2 [term 5] granted vote to n3"', () => {
  const lines: Array<[RaftEvent, string]> = [
    [{...at, kind: 'vote-granted', nodeId: 2, term: 5n, peerId: 3}, 'n2 [term 5] granted vote to n3'],
    [
      {...at, kind: 'election-timeout', nodeId: 1, term: 4n, silentMs: 212.4, fromRole: 'follower', preVote: false},
      'n1 [term 4] no communication from the leader in 212 ms; becoming a candidate',
    ],
    [
      {...at, role: 'leader', kind: 'became-leader', nodeId: 1, term: 4n, electionMs: 3.14, votes: 3, clusterSize: 5, by: 'node'},
      'n1 [term 4] quorum reached (3/5 votes) in 3.1 ms; becoming leader',
    ],
    [{...at, kind: 'vote-denied', nodeId: 2, term: 5n, peerId: 4, votedFor: 3}, 'n2 [term 5] denied vote to n4: already voted for n3'],
    [
      {
        ...at, kind: 'stepped-down', nodeId: 1, term: 6n, fromRole: 'leader', fromTerm: 5n,
        reason: 'higher-term', peerId: 3, messageType: 'Heartbeat',
      },
      "n1 [term 6] stepped down from leader to follower: n3's Heartbeat carried term 6 (was 5)",
    ],
    [
      {...at, kind: 'check-quorum-failed', nodeId: 1, term: 5n, acked: 1, quorum: 3, windowMs: 150},
      'n1 [term 5] heard from 1 of 3 needed members in the last 150 ms; stepping down',
    ],
    [
      {...at, kind: 'stale-message', nodeId: 1, term: 5n, peerId: 2, messageType: 'Heartbeat', messageTerm: 4n},
      'n1 [term 5] rejected Heartbeat from n2 at stale term 4',
    ],
    [{...at, kind: 'leader-changed', nodeId: 3, term: 5n, peerId: 2, previous: 0}, 'n3 [term 5] leader is now n2'],
  ]
  for (const [event, line] of lines) assert.equal(formatEvent(event), line)
})

test('log: JSON form carries bigints as decimal strings', () => {
  const json = eventToJson({...at, kind: 'term-adopted', nodeId: 1, term: 7n, fromTerm: 5n, peerId: 2, messageType: 'VoteRequest'})
  assert.deepEqual(JSON.parse(JSON.stringify(json)), {
    atMs: 0, role: 'follower', kind: 'term-adopted', nodeId: 1, term: '7', fromTerm: '5', peerId: 2, messageType: 'VoteRequest',
  })
})
