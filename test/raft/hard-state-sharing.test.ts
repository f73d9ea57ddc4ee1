// The hard state is shared with the kernel (DESIGN.md): every change is a CAS, lost races are
// recomputed from the new state, and changes the other side made are observed and acted on.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {RaftNode} from '../../src/raft/node.js'
import {decide} from '../../src/raft/rules.js'
import {MemoryHardStateStore} from '../../src/raft/store.js'
import {type HardState, type HardStateStore, type Message, type MessageType, sameHardState} from '../../src/raft/types.js'
import {fiveNodeConfig, msg, RacingStore} from './helpers/node-fixture.js'
import {seededRandom} from './helpers/prng.js'

const T = 150

function nodeOn(store: HardStateStore, random: () => number = () => 0) {
  return new RaftNode(fiveNodeConfig(), store, random, {nowMs: 0})
}

/** Terms in which more than one candidate got this node's vote, from every write either side made. */
function doubleVotes(writes: readonly HardState[]): string[] {
  const votes = new Map<bigint, Set<number>>()
  for (const w of writes) {
    if (w.votedFor === 0) continue
    const set = votes.get(w.term) ?? new Set<number>()
    set.add(w.votedFor)
    votes.set(w.term, set)
  }
  return [...votes].filter(([, set]) => set.size > 1).map(([term, set]) => `term ${term}: ${[...set].join(', ')}`)
}

test('CAS race: the kernel grants n3 between our load and our CAS; we recompute, deny n2 and never double-vote', () => {
  const store = new RacingStore({term: 5n, votedFor: 0, role: 'follower'})
  const node = nodeOn(store)
  store.interleave((k) => k.write({term: 5n, votedFor: 3, role: 'follower'}))

  const ready = node.step(msg('VoteRequest', 2, 5n), 10)

  assert.equal(store.casLost, 1, 'the first CAS lost')
  assert.deepEqual(store.load(), {term: 5n, votedFor: 3, role: 'follower'})
  assert.deepEqual(ready.messages.map((m) => [m.type, m.to, m.term, m.flag]), [['VoteResponse', 2, 5n, false]])
  assert.deepEqual(doubleVotes(store.writes), [])
  assert.deepEqual(ready.persist, {term: 5n, votedFor: 3, role: 'follower'}, "the kernel's vote is persisted too")
})

test('CAS race: the kernel adopts a higher term while we grant; we grant again at the new term from the new state', () => {
  const store = new RacingStore({term: 5n, votedFor: 0, role: 'follower'})
  const node = nodeOn(store)
  store.interleave((k) => k.write({term: 6n, votedFor: 0, role: 'follower'}))
  const ready = node.step(msg('VoteRequest', 2, 6n), 10)
  assert.deepEqual(store.load(), {term: 6n, votedFor: 2, role: 'follower'})
  assert.deepEqual(ready.messages.map((m) => [m.term, m.flag]), [[6n, true]])
})

test('CAS race: the kernel steps the candidate down just as our quorum completes; we do not become leader', () => {
  const store = new RacingStore({term: 5n, votedFor: 1, role: 'candidate'})
  const node = nodeOn(store)
  node.step(msg('VoteResponse', 2, 5n, true), 5)
  store.interleave((k) => k.write({term: 6n, votedFor: 4, role: 'follower'}))

  const ready = node.step(msg('VoteResponse', 3, 5n, true), 10)

  assert.deepEqual(store.load(), {term: 6n, votedFor: 4, role: 'follower'})
  assert.equal(ready.messages.length, 0, 'no heartbeats from a leader that never was')
  assert.deepEqual(ready.events.map((e) => e.kind), ['stepped-down'])
  assert.ok(!store.writes.some((w) => w.role === 'leader'))
})

test('CAS race: the kernel grants a vote as our timeout fires; the grant reset the timer, so we do not campaign', () => {
  const store = new RacingStore({term: 5n, votedFor: 0, role: 'follower'})
  const node = nodeOn(store)
  store.interleave((k) => k.write({term: 5n, votedFor: 3, role: 'follower'}))
  const ready = node.tick(T)
  assert.deepEqual(store.load(), {term: 5n, votedFor: 3, role: 'follower'})
  assert.equal(ready.messages.length, 0)
  assert.deepEqual(ready.events, [], 'no election was announced')
  assert.equal(node.nextDeadlineMs(), 2 * T)
  assert.deepEqual(doubleVotes(store.writes), [])
})

test('CAS race: the kernel adopts a term as our timeout fires; we campaign from the new term, not the old one', () => {
  const store = new RacingStore({term: 5n, votedFor: 0, role: 'follower'})
  const node = nodeOn(store)
  store.interleave((k) => k.write({term: 8n, votedFor: 0, role: 'follower'}))
  const ready = node.tick(T)
  assert.deepEqual(store.load(), {term: 9n, votedFor: 1, role: 'candidate'})
  assert.ok(ready.messages.every((m) => m.type === 'VoteRequest' && m.term === 9n))
  assert.deepEqual(ready.events.map((e) => [e.kind, e.term]), [['term-adopted', 8n], ['election-timeout', 8n], ['became-candidate', 9n]])
})

test('CAS race: a store that never lets our CAS win makes the node fail loudly, not spin', () => {
  const store: HardStateStore = {load: () => ({term: 5n, votedFor: 0, role: 'follower'}), compareAndSwap: () => false}
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0, maxCasAttempts: 3})
  assert.throws(() => node.step(msg('VoteRequest', 2, 5n), 1), /changed under 3 compare-and-swap attempts/)
})

test('observe: the kernel counted a quorum and set role=leader; the next tick heartbeats at once', () => {
  const store = new MemoryHardStateStore({term: 4n, votedFor: 1, role: 'follower'})
  const node = nodeOn(store)
  node.tick(T) // campaigns: term 5
  assert.deepEqual(store.load(), {term: 5n, votedFor: 1, role: 'candidate'})
  assert.ok(store.compareAndSwap(store.load(), {term: 5n, votedFor: 1, role: 'leader'}), 'the kernel')

  const ready = node.tick(T + 3)

  assert.deepEqual(ready.messages.map((m) => [m.type, m.to, m.term]), [2, 3, 4, 5].map((to) => ['Heartbeat', to, 5n]))
  const became = ready.events.find((e) => e.kind === 'became-leader')
  assert.ok(became?.kind === 'became-leader' && became.by === 'store' && became.electionMs === 3)
  assert.deepEqual(ready.persist, {term: 5n, votedFor: 1, role: 'leader'})
  assert.equal(node.status().leaderId, 1)
  assert.equal(node.nextDeadlineMs(), T + 3 + 50)
})

test('observe: the kernel adopted a higher term; the leader is a follower now and stops heartbeating', () => {
  const store = new MemoryHardStateStore({term: 5n, votedFor: 1, role: 'leader'})
  const node = nodeOn(store)
  node.tick(0)
  store.compareAndSwap(store.load(), {term: 7n, votedFor: 0, role: 'follower'})
  const ready = node.observe(20)
  assert.deepEqual(ready.events.map((e) => [e.kind, e.term, e.role]), [['stepped-down', 7n, 'follower']])
  assert.equal(node.tick(50).messages.length, 0)
  assert.equal(node.status().leaderId, 0)
  assert.equal(node.nextDeadlineMs(), 20 + T, 'a follower again, with an election timer')
})

test('observe: a kernel-side vote counts as a timer reset; noteTimerReset feeds the kernel heartbeats', () => {
  const store = new MemoryHardStateStore({term: 5n, votedFor: 0, role: 'follower'})
  const node = nodeOn(store)
  store.compareAndSwap(store.load(), {term: 6n, votedFor: 4, role: 'follower'})
  node.observe(100)
  assert.equal(node.nextDeadlineMs(), 100 + T)
  const ready = node.noteTimerReset(200, 4)
  assert.equal(node.nextDeadlineMs(), 200 + T)
  assert.deepEqual(ready.events.map((e) => e.kind), ['leader-changed'])
  assert.equal(node.tick(200 + T - 1).messages.length, 0)
})

test('observe: a term going backwards or an impossible role change throws', () => {
  const back = new MemoryHardStateStore({term: 5n, votedFor: 0, role: 'follower'})
  const n1 = nodeOn(back)
  n1.tick(0)
  back.compareAndSwap(back.load(), {term: 3n, votedFor: 0, role: 'follower'})
  assert.throws(() => n1.tick(1), /term went backwards \(5 -> 3\)/)

  const jump = new MemoryHardStateStore({term: 5n, votedFor: 0, role: 'follower'})
  const n2 = nodeOn(jump)
  n2.tick(0)
  jump.compareAndSwap(jump.load(), {term: 5n, votedFor: 1, role: 'leader'})
  assert.throws(() => n2.tick(1), /illegal transition from \(term 5, no vote, follower\) to \(term 5, voted n1, leader\)/)
})

/**
 * A pure stand-in for the XDP program: it applies the same rules to the same word by CAS, at random
 * moments, including between the node's load and its CAS (the RacingStore interleaving).
 */
test('stress: kernel-side votes racing userspace timeouts never produce a double vote or two leaders per term', () => {
  const rng = seededRandom(42)
  const pickType = (r: number): MessageType =>
    r < 0.35 ? 'VoteRequest' : r < 0.75 ? 'VoteResponse' : r < 0.85 ? 'Heartbeat' : 'HeartbeatAck'
  const store = new RacingStore({term: 1n, votedFor: 0, role: 'follower'})
  const node = nodeOn(store, seededRandom(7))
  const kernelVotes = new Set<number>()
  // Mostly the current term, so elections can finish; sometimes stale, sometimes newer.
  const termOffset = () => {
    const r = rng()
    return r < 0.1 ? -1n : r < 0.18 ? 1n : 0n
  }
  const randomMessage = (term: bigint): Message => ({
    type: pickType(rng()),
    from: 2 + Math.floor(rng() * 4),
    to: 1,
    term: term + termOffset(),
    flag: rng() < 0.6,
    echo: 0n,
  })
  const kernelStep = () => {
    const state = store.load()
    const out = decide({self: 1, members: [1, 2, 3, 4, 5], state, votesBefore: [...kernelVotes], message: randomMessage(state.term)})
    if (out.countedVoter !== undefined) kernelVotes.add(out.countedVoter)
    if (out.next.term !== state.term) kernelVotes.clear()
    if (!sameHardState(out.next, state)) store.kernelWrite(out.next)
  }
  let now = 0
  for (let i = 0; i < 20_000; i++) {
    now += rng() * 20
    if (rng() < 0.3) store.interleave(kernelStep)
    const r = rng()
    if (r < 0.4) kernelStep()
    else if (r < 0.7) node.step(randomMessage(store.load().term), now)
    else node.tick(now)
  }
  assert.ok(store.casLost > 50, `races actually happened (${store.casLost} lost CAS)`)
  assert.deepEqual(doubleVotes(store.writes), [])
  const leadersByTerm = new Map<bigint, number>()
  for (const w of store.writes) if (w.role === 'leader') leadersByTerm.set(w.term, (leadersByTerm.get(w.term) ?? 0) + 1)
  assert.ok([...leadersByTerm.values()].every((n) => n === 1), 'each term became leader at most once')
  assert.ok(leadersByTerm.size > 5, `the run did elect (${leadersByTerm.size} terms with a leader)`)
})
