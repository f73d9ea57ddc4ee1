// RaftNode against the paper's election rules (§5.1, §5.2) with a fake clock: init, act, check.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {RaftNode} from '../../src/raft/node.js'
import {MemoryHardStateStore} from '../../src/raft/store.js'
import type {HardState} from '../../src/raft/types.js'
import {fiveNodeConfig, fixedRandom, msg} from './helpers/node-fixture.js'

const T = 150
const H = 50

function nodeAt(state: HardState, random = fixedRandom(0)) {
  const store = new MemoryHardStateStore(state)
  const node = new RaftNode(fiveNodeConfig(), store, random, {nowMs: 0})
  return {store, node}
}

/** A node that campaigned at T and is candidate of term 1. */
function candidateOfTerm1() {
  const f = nodeAt({term: 0n, votedFor: 0, role: 'follower'})
  f.node.tick(T)
  assert.equal(f.store.load().role, 'candidate')
  return f
}

test('§5.2 servers start as followers and stay quiet before the election timeout', () => {
  const {node, store} = nodeAt({term: 0n, votedFor: 0, role: 'follower'})
  const ready = node.tick(T - 0.001)
  assert.deepEqual(store.load(), {term: 0n, votedFor: 0, role: 'follower'})
  assert.deepEqual(ready, {messages: [], events: []})
  assert.equal(node.nextDeadlineMs(), T)
})

test('§5.2 a follower that hears nothing for an election timeout becomes candidate: term+1, self-vote, asks all', () => {
  const {node, store} = nodeAt({term: 4n, votedFor: 3, role: 'follower'})
  const ready = node.tick(T)
  const state = {term: 5n, votedFor: 1, role: 'candidate'}
  assert.deepEqual(store.load(), state)
  assert.deepEqual(ready.persist, state, 'the self-vote is persisted before the requests are sent (rule 8)')
  assert.deepEqual(
    ready.messages.map((m) => [m.type, m.to, m.term, m.echo]),
    [2, 3, 4, 5].map((to) => ['VoteRequest', to, 5n, 150_000_000n]),
  )
  assert.deepEqual(ready.events.map((e) => [e.kind, e.term]), [['election-timeout', 4n], ['became-candidate', 5n]])
})

test('§5.2 a candidate that times out without a quorum starts a new election at term+1', () => {
  const {node, store} = candidateOfTerm1()
  node.step(msg('VoteResponse', 2, 1n, true), T + 1)
  const ready = node.tick(2 * T)
  assert.deepEqual(store.load(), {term: 2n, votedFor: 1, role: 'candidate'})
  const asked = ready.messages.filter((m) => m.type === 'VoteRequest').map((m) => m.to)
  assert.deepEqual(asked, [2, 3, 4, 5], 'a new election asks everyone again')
  assert.equal(ready.events[0].kind, 'election-timeout')
})

test('§5.2 a candidate that wins a majority becomes leader and heartbeats every other member at once', () => {
  const {node, store} = candidateOfTerm1()
  assert.equal(node.step(msg('VoteResponse', 2, 1n, true), 160).messages.length, 0)
  const ready = node.step(msg('VoteResponse', 4, 1n, true), 163.5)
  assert.deepEqual(store.load(), {term: 1n, votedFor: 1, role: 'leader'})
  assert.deepEqual(ready.messages.map((m) => [m.type, m.to, m.term]), [2, 3, 4, 5].map((to) => ['Heartbeat', to, 1n]))
  const became = ready.events.find((e) => e.kind === 'became-leader')
  assert.ok(became && became.kind === 'became-leader')
  assert.deepEqual([became.votes, became.clusterSize, became.electionMs], [3, 5, 13.5])
  assert.equal(node.status().leaderId, 1)
})

test('§5.2 a candidate refused by a majority stays candidate until its timeout (our rules: refusals change nothing)', () => {
  const {node, store} = candidateOfTerm1()
  for (const from of [2, 3, 4]) node.step(msg('VoteResponse', from, 1n, false), 170)
  assert.deepEqual(store.load(), {term: 1n, votedFor: 1, role: 'candidate'})
  node.tick(2 * T)
  assert.equal(store.load().term, 2n)
})

test('§5.2 a candidate that hears a leader of its term becomes its follower', () => {
  const {node, store} = candidateOfTerm1()
  const ready = node.step(msg('Heartbeat', 3, 1n), 170)
  assert.deepEqual(store.load(), {term: 1n, votedFor: 1, role: 'follower'})
  assert.equal(node.status().leaderId, 3)
  assert.deepEqual(ready.events.map((e) => e.kind), ['stepped-down', 'leader-changed'])
  assert.equal(node.nextDeadlineMs(), 170 + T, 'the accepted heartbeat restarted the election timer')
})

test('§5.1 a leader that sees a higher term becomes follower and stops heartbeating', () => {
  const {node, store} = nodeAt({term: 3n, votedFor: 1, role: 'leader'})
  node.tick(0)
  const ready = node.step(msg('HeartbeatAck', 2, 4n, false), 10)
  assert.deepEqual(store.load(), {term: 4n, votedFor: 0, role: 'follower'})
  assert.deepEqual(ready.events.map((e) => e.kind), ['stepped-down'])
  assert.equal(node.tick(10 + H).messages.length, 0, 'no more heartbeats')
  assert.equal(node.nextDeadlineMs(), 10 + T, 'a stepped-down leader starts an election timer')
})

test('§5.2 a leader heartbeats every interval, with the send time in ns as echo', () => {
  const {node} = nodeAt({term: 3n, votedFor: 1, role: 'leader'})
  const first = node.tick(0.25)
  assert.deepEqual(first.messages.map((m) => [m.type, m.to, m.echo]), [2, 3, 4, 5].map((to) => ['Heartbeat', to, 250_000n]))
  assert.equal(node.nextDeadlineMs(), 50.25)
  assert.equal(node.tick(50).messages.length, 0, 'not before the interval')
  assert.equal(node.tick(50.25).messages.length, 4)
})

test('rule 8: a granted vote is in the batch to persist together with its reply', () => {
  const {node} = nodeAt({term: 2n, votedFor: 0, role: 'follower'})
  const ready = node.step(msg('VoteRequest', 4, 3n, false, 1, 99n), 5)
  assert.deepEqual(ready.persist, {term: 3n, votedFor: 4, role: 'follower'})
  assert.deepEqual(ready.messages, [{type: 'VoteResponse', from: 1, to: 4, term: 3n, flag: true, echo: 99n}])
  assert.deepEqual(ready.events.map((e) => e.kind), ['term-adopted', 'vote-granted'])
})

test('§5.2 a single-member cluster elects itself at its first timeout', () => {
  const store = new MemoryHardStateStore()
  const node = new RaftNode({selfId: 7, members: [7], heartbeatIntervalMs: 10, electionTimeoutMinMs: 100}, store, () => 0, {nowMs: 0})
  const ready = node.tick(100)
  assert.deepEqual(store.load(), {term: 1n, votedFor: 7, role: 'leader'})
  assert.deepEqual(ready.events.map((e) => e.kind), ['election-timeout', 'became-candidate', 'became-leader'])
  assert.equal(ready.messages.length, 0)
  assert.equal(node.tick(10_000).events.length, 0, 'a lone leader never fails check-quorum')
})

test('a node restarted on a stored leader state heartbeats at once; a stored candidate asks again at once', () => {
  const leader = nodeAt({term: 9n, votedFor: 1, role: 'leader'})
  assert.deepEqual(leader.node.tick(0).messages.map((m) => [m.type, m.term]), [2, 3, 4, 5].map(() => ['Heartbeat', 9n]))
  const cand = nodeAt({term: 9n, votedFor: 1, role: 'candidate'})
  assert.deepEqual(cand.node.tick(0).messages.map((m) => [m.type, m.term]), [2, 3, 4, 5].map(() => ['VoteRequest', 9n]))
})

test('a node without a start time starts its clock at the first call', () => {
  const store = new MemoryHardStateStore()
  const node = new RaftNode(fiveNodeConfig(), store, () => 0)
  assert.equal(node.nextDeadlineMs(), Number.NEGATIVE_INFINITY, 'due at once, to start')
  assert.equal(node.tick(5000).messages.length, 0, 'the first call starts a period; it does not campaign')
  assert.equal(node.nextDeadlineMs(), 5000 + T)
})

test('the clock must be monotonic and random() must stay in [0, 1)', () => {
  const {node} = nodeAt({term: 0n, votedFor: 0, role: 'follower'})
  node.tick(10)
  assert.throws(() => node.tick(9), /nowMs went backwards \(10 -> 9\); pass a monotonic clock/)
  const bad = new RaftNode(fiveNodeConfig(), new MemoryHardStateStore(), () => 1)
  assert.throws(() => bad.tick(0), /random\(\) returned 1; it must return a number in \[0, 1\)/)
})
