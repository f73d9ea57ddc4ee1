// The shared election rule table, run against the pure rules and against RaftNode.step.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {decide} from '../../src/raft/rules.js'
import {RaftNode} from '../../src/raft/node.js'
import {MemoryHardStateStore} from '../../src/raft/store.js'
import type {Message} from '../../src/raft/types.js'
import type {ElectionCase} from '../cases/election-case.js'
import {electionCases} from '../cases/election-cases.js'

const SELF = 1
const MEMBERS = [1, 2, 3, 4, 5]
const config = {selfId: SELF, members: MEMBERS, heartbeatIntervalMs: 50, electionTimeoutMinMs: 150}

function received(c: ElectionCase, echo = 0n): Message {
  const {type, from, term, flag = false} = c.message
  return {type, from, to: SELF, term, flag, echo}
}

test('the table is large and its names are unique', () => {
  assert.ok(electionCases.length >= 40, `${electionCases.length} cases`)
  assert.equal(new Set(electionCases.map((c) => c.name)).size, electionCases.length)
})

describe('election rules (rules.ts decide)', () => {
  for (const c of electionCases) {
    test(c.name, () => {
      const {before: state, votesBefore, leaderHeardRecently} = c
      const out = decide({self: SELF, members: MEMBERS, state, votesBefore, leaderHeardRecently, message: c.message})
      assert.deepEqual(out.reply, c.expect.reply, 'reply')
      assert.equal(out.effect === 'pre-vote-response', c.expect.passedUp ?? false, 'goes on to the pre-vote count')
      assert.deepEqual(out.next, c.expect.after, 'state after')
      assert.equal(out.timerReset, c.expect.timerReset, 'timer reset')
      if (c.expect.leaderId !== undefined) assert.equal(out.leaderId, c.expect.leaderId, 'leader id')
    })
  }
})

describe('election rules (RaftNode.step)', () => {
  for (const c of electionCases) {
    test(c.name, () => {
      const store = new MemoryHardStateStore(c.before)
      const node = new RaftNode(config, store, () => 0.5, {nowMs: 0})
      // Init: a candidate counts the votes it already has by hearing them.
      for (const voter of c.votesBefore ?? []) {
        const primed = node.step({type: 'VoteResponse', from: voter, to: SELF, term: c.before.term, flag: true, echo: 0n}, 1)
        assert.equal(primed.messages.length, 0, `priming vote from n${voter} sends nothing`)
        assert.deepEqual(store.load(), c.before, `priming vote from n${voter} changes nothing`)
      }

      // Init: a leader's heartbeat accepted at 1 ms (the kernel's report of one): the lease holds at 10 ms.
      if (c.leaderHeardRecently) node.noteTimerReset(1, 2)

      const ready = node.step(received(c, 77n), 10)

      const replyTypes = new Set(['VoteResponse', 'HeartbeatAck', 'PreVoteResponse'])
      const replies = ready.messages.filter((m) => replyTypes.has(m.type))
      const expected = c.expect.reply ? [{...c.expect.reply, from: SELF, to: c.message.from, echo: 77n}] : []
      assert.deepEqual(replies, expected, 'reply')
      assert.deepEqual(store.load(), c.expect.after, 'state after')
      assert.equal(node.status().lastTimerResetMs === 10, c.expect.timerReset, 'timer reset')
      if (c.expect.leaderId !== undefined) assert.equal(node.status().leaderId, c.expect.leaderId, 'leader id')
      const changed = JSON.stringify(c.expect.after, bigintJson) !== JSON.stringify(c.before, bigintJson)
      assert.deepEqual(ready.persist, changed ? c.expect.after : undefined, 'persist exactly what changed')
      // A node that just became leader announces itself to every other member at once.
      const heartbeats = ready.messages.filter((m) => m.type === 'Heartbeat').map((m) => m.to)
      const newLeader = c.expect.after.role === 'leader' && c.before.role !== 'leader'
      assert.deepEqual(heartbeats, newLeader ? [2, 3, 4, 5] : [], 'heartbeats')
    })
  }
})

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
