// Check-quorum's deadline (rule 6) from a leader's acks: the moment fewer than a quorum,
// self included, will have been heard within the window.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {Leadership} from '../../src/raft/progress.js'

const PEERS = [2, 3, 4, 5]

function leadership(sinceMs: number, acks: Record<number, number>): Leadership {
  const l = new Leadership(sinceMs, sinceMs)
  for (const [peer, atMs] of Object.entries(acks)) l.recordAck(Number(peer), atMs)
  return l
}

test('leadership: the deadline counts from the quorum-th latest ack (5 members, 2 peers needed)', () => {
  const cases: Array<[Record<number, number>, number]> = [
    [{}, 50], // no acks yet: leadership's start counts as one from everyone
    [{2: 100}, 50],
    [{2: 100, 3: 150}, 100],
    [{2: 100, 3: 150, 4: 150}, 150], // ties: two peers reached 150
    [{2: 200, 3: 90, 4: 300, 5: 250}, 250],
  ]
  for (const [acks, heardAt] of cases) {
    assert.equal(leadership(50, acks).quorumDeadlineMs(PEERS, 3, 60), heardAt + 60, JSON.stringify(acks))
  }
})

test('leadership: late or stale ack reports never move the deadline back', () => {
  const l = leadership(50, {2: 200, 3: 180})
  l.recordAck(2, 120) // an older report of peer 2, delivered late
  l.recordAck(3, 40) // from before this leadership
  assert.equal(l.quorumDeadlineMs(PEERS, 3, 60), 180 + 60)
})

test('leadership: a one-member cluster never loses its quorum', () => {
  assert.equal(leadership(50, {}).quorumDeadlineMs([], 1, 60), Number.POSITIVE_INFINITY)
})
