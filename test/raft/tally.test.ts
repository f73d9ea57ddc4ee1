// The pure majority tally (etcd quorum/majority.go VoteResult habit).
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {quorumSize, tallyVotes} from '../../src/raft/tally.js'

test('tally: quorum is floor(N/2)+1 of the configured size', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(quorumSize), [1, 2, 2, 3, 3, 4, 4])
  assert.throws(() => quorumSize(0), /cluster size must be an integer >= 1/)
})

test('tally: won, lost and pending (§5.2)', () => {
  const cases: Array<[number[], number[], number, string]> = [
    [[1], [], 1, 'won'],
    [[1, 2], [], 3, 'won'],
    [[1], [], 3, 'pending'],
    [[1], [2, 3], 3, 'lost'],
    [[1, 2], [], 5, 'pending'],
    [[1, 2, 3], [], 5, 'won'],
    [[1], [2, 3, 4], 5, 'lost'],
    [[1, 2], [3, 4], 5, 'pending'],
    [[1, 2], [3, 4, 5], 5, 'lost'],
    [[1, 2], [], 4, 'pending'],
    [[1], [2, 3], 4, 'lost'],
  ]
  for (const [granted, denied, size, result] of cases) {
    assert.equal(tallyVotes(granted, denied, size).result, result, `${granted} yes / ${denied} no of ${size}`)
  }
})

test('tally: duplicates count once and a grant outweighs a later denial from the same voter', () => {
  const t = tallyVotes([1, 2, 2, 2], [2, 3], 5)
  assert.deepEqual(t, {result: 'pending', granted: 2, denied: 1, quorum: 3, clusterSize: 5})
})
