// Timers: the randomised election timeout (rule 5), VoteRequest retransmission, heartbeats and
// check-quorum (rule 6), with a fake clock.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {RaftNode} from '../../src/raft/node.js'
import {MemoryHardStateStore} from '../../src/raft/store.js'
import {formatEvent} from '../../src/raft/log.js'
import {MAX_TERM, type HardState} from '../../src/raft/types.js'
import {fiveNodeConfig, fixedRandom, msg, sequenceRandom} from './helpers/node-fixture.js'

const T = 150
/** The check-quorum window: the longest election timeout (2T by default). */
const W = 2 * T
const H = 50
const FOLLOWER: HardState = {term: 2n, votedFor: 0, role: 'follower'}

/** The time of the first tick (in 0.5 ms steps from `fromMs`) that makes the node campaign. */
function campaignTime(node: RaftNode, fromMs: number): number {
  for (let t = fromMs; t < fromMs + 10 * T; t += 0.5) {
    if (node.tick(t).events.some((e) => e.kind === 'became-candidate')) return t
  }
  throw new Error('never campaigned')
}

test('rule 5: random() = 0 gives an election timeout of exactly T', () => {
  const node = new RaftNode(fiveNodeConfig(), new MemoryHardStateStore(FOLLOWER), () => 0, {nowMs: 0})
  assert.equal(campaignTime(node, 0), T)
})

test('rule 5: random() = 0.999 gives an election timeout just below 2T', () => {
  const node = new RaftNode(fiveNodeConfig(), new MemoryHardStateStore(FOLLOWER), () => 0.999, {nowMs: 0})
  assert.ok(Math.abs(node.nextDeadlineMs() - 299.85) < 1e-9 && node.nextDeadlineMs() < 2 * T)
  assert.equal(campaignTime(node, 0), 300, 'not at 299.5, at the first tick past 299.85')
})

test('rule 5: the timeout is drawn once per period, not on every tick', () => {
  const random = fixedRandom(0.5)
  const node = new RaftNode(fiveNodeConfig(), new MemoryHardStateStore(FOLLOWER), random, {nowMs: 0})
  assert.equal(random.calls, 1, 'one draw for the first period')
  for (let t = 1; t < 100; t += 7) node.tick(t)
  assert.equal(random.calls, 1, 'ticks inside a period draw nothing')
  node.step(msg('Heartbeat', 2, 2n), 100)
  assert.equal(random.calls, 2, 'a timer reset starts a new period with a new draw')
  assert.equal(node.nextDeadlineMs(), 100 + 225)
})

test('rule 5: each period uses its own draw, within [T, maxT]', () => {
  const cfg = {...fiveNodeConfig(), electionTimeoutMaxMs: 400}
  const node = new RaftNode(cfg, new MemoryHardStateStore(FOLLOWER), sequenceRandom([0.25, 0.75, 0]), {nowMs: 0})
  assert.equal(node.nextDeadlineMs(), T + 0.25 * 250)
  node.step(msg('Heartbeat', 2, 2n), 10)
  assert.equal(node.nextDeadlineMs(), 10 + T + 0.75 * 250)
  node.step(msg('VoteRequest', 3, 3n), 20)
  assert.equal(node.nextDeadlineMs(), 20 + T, 'a granted vote resets the timer too (rule 2)')
})

test('rule 4: a stale heartbeat does not postpone the election', () => {
  const node = new RaftNode(fiveNodeConfig(), new MemoryHardStateStore(FOLLOWER), () => 0, {nowMs: 0})
  node.step(msg('Heartbeat', 2, 1n), 100)
  assert.equal(node.nextDeadlineMs(), T)
})

test('VoteRequests are retransmitted every heartbeat interval to members that have not answered', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode(fiveNodeConfig(), store, () => 0.9, {nowMs: 0}) // timeout 285 ms
  node.tick(285)
  assert.equal(store.load().role, 'candidate')
  assert.equal(node.nextDeadlineMs(), 285 + H)
  node.step(msg('VoteResponse', 2, 3n, true), 300)
  node.step(msg('VoteResponse', 5, 3n, false), 301)
  assert.equal(node.tick(285 + H - 1).messages.length, 0)
  const again = node.tick(285 + H)
  assert.deepEqual(again.messages.map((m) => [m.type, m.to, m.term]), [['VoteRequest', 3, 3n], ['VoteRequest', 4, 3n]])
  assert.equal(node.tick(285 + 2 * H).messages.length, 2, 'and again one interval later')
  node.step(msg('VoteResponse', 3, 3n, false), 400)
  node.step(msg('VoteResponse', 4, 3n, false), 400)
  assert.equal(node.nextDeadlineMs(), 285 + 285, 'nothing left to ask: only the election timeout remains')
})

test('§9.6 PreVote: a timed-out follower asks for term+1 without changing its hard state, and retransmits', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0, preVote: true})
  const ready = node.tick(T)
  assert.deepEqual(store.load(), FOLLOWER, 'no term bump, no vote, still follower')
  assert.equal(ready.persist, undefined, 'nothing to persist')
  assert.deepEqual(ready.messages.map((m) => [m.type, m.to, m.term]), [2, 3, 4, 5].map((to) => ['PreVoteRequest', to, 3n]))
  assert.deepEqual(ready.events.map((e) => e.kind), ['election-timeout', 'pre-vote-started'])
  const echo = ready.messages[0].echo
  node.step(msg('PreVoteResponse', 2, 2n, true, 1, echo), T + 1)
  node.step(msg('PreVoteResponse', 3, 2n, false, 1, echo), T + 2)
  assert.equal(node.nextDeadlineMs(), T + H)
  const again = node.tick(T + H)
  assert.deepEqual(again.messages.map((m) => [m.type, m.to]), [3, 4, 5].map((to) => ['PreVoteRequest', to]),
    'asked again: every member that has not granted')
  assert.deepEqual(store.load(), FOLLOWER)
})

test('§9.6 PreVote: a quorum of grants (self included) starts the candidacy: term+1, own vote, VoteRequests', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0, preVote: true})
  const echo = node.tick(T).messages[0].echo
  node.step(msg('PreVoteResponse', 9, 2n, true, 1, echo), T + 1) // not a member: not counted
  node.step(msg('PreVoteResponse', 2, 2n, true, 1, echo), T + 1)
  node.step(msg('PreVoteResponse', 2, 2n, true, 1, echo), T + 2) // a duplicate counts once
  node.step(msg('PreVoteResponse', 4, 1n, true, 1, echo - 1n), T + 2) // an earlier round's grant
  assert.deepEqual(store.load(), FOLLOWER)
  const won = node.step(msg('PreVoteResponse', 3, 2n, true, 1, echo), T + 3)
  assert.deepEqual(store.load(), {term: 3n, votedFor: 1, role: 'candidate'})
  assert.deepEqual(won.persist, {term: 3n, votedFor: 1, role: 'candidate'})
  assert.deepEqual(won.events.map((e) => e.kind), ['pre-vote-received', 'pre-vote-won', 'became-candidate'])
  assert.deepEqual(won.messages.map((m) => [m.type, m.to, m.term]), [2, 3, 4, 5].map((to) => ['VoteRequest', to, 3n]))
})

test('§9.6 PreVote: no quorum by the next timeout starts a new round with a new draw; a heartbeat ends the round', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode(fiveNodeConfig(), store, sequenceRandom([0, 0.5, 0]), {nowMs: 0, preVote: true})
  node.tick(T)
  assert.equal(node.status().electionDeadlineMs, T + 1.5 * T, 'a new timeout draw for the round')
  const second = node.tick(2.5 * T)
  assert.deepEqual(second.events.map((e) => e.kind), ['election-timeout', 'pre-vote-started'])
  assert.deepEqual(store.load(), FOLLOWER, 'still the same term')
  const echo = second.messages[0].echo
  node.step(msg('Heartbeat', 4, 2n), 2.5 * T + 1)
  assert.equal(node.nextDeadlineMs(), 3.5 * T + 1, 'no retransmission: the round is over')
  node.step(msg('PreVoteResponse', 2, 2n, true, 1, echo), 2.5 * T + 2)
  node.step(msg('PreVoteResponse', 3, 2n, true, 1, echo), 2.5 * T + 3)
  assert.deepEqual(store.load(), {...FOLLOWER}, 'late grants of an ended round elect nobody')
})

test('§9.6 PreVote: a refusal with a higher term is adopted (rule 1) and ends the round', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0, preVote: true})
  const echo = node.tick(T).messages[0].echo
  node.step(msg('PreVoteResponse', 2, 4n, false, 1, echo), T + 1)
  assert.deepEqual(store.load(), {term: 4n, votedFor: 0, role: 'follower'})
  node.step(msg('PreVoteResponse', 3, 2n, true, 1, echo), T + 2)
  node.step(msg('PreVoteResponse', 4, 2n, true, 1, echo), T + 3)
  assert.equal(store.load().term, 4n, 'grants for the old round count for nothing')
})

test('§9.6 PreVote: a follower that heard its leader within T refuses PreVotes (lease); after T it grants', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode(fiveNodeConfig(), store, () => 0.5, {nowMs: 0, preVote: true})
  node.step(msg('Heartbeat', 2, 2n), 10)
  const leased = node.step(msg('PreVoteRequest', 3, 3n, false, 1, 5n), 10 + T - 1)
  assert.deepEqual(leased.messages, [{type: 'PreVoteResponse', from: 1, to: 3, term: 2n, flag: false, echo: 5n}])
  const expired = node.step(msg('PreVoteRequest', 3, 3n, false, 1, 6n), 10 + T)
  assert.deepEqual(expired.messages, [{type: 'PreVoteResponse', from: 1, to: 3, term: 2n, flag: true, echo: 6n}])
  assert.deepEqual(store.load(), {...FOLLOWER, votedFor: 0}, 'answering changes nothing')
  assert.equal(node.status().lastTimerResetMs, 10, 'and does not reset the election timer')
})

test('§9.6 PreVote: a one-member cluster campaigns and leads at its first timeout', () => {
  const store = new MemoryHardStateStore(FOLLOWER)
  const node = new RaftNode({...fiveNodeConfig(), members: [1]}, store, () => 0, {nowMs: 0, preVote: true})
  node.tick(T)
  assert.deepEqual(store.load(), {term: 3n, votedFor: 1, role: 'leader'})
})

test('rule 6: a leader that hears acks from a majority within T keeps leading', () => {
  const store = new MemoryHardStateStore({term: 5n, votedFor: 1, role: 'leader'})
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0})
  for (let t = 0; t <= 2000; t += H) {
    const ready = node.tick(t)
    assert.equal(ready.messages.length, 4, `heartbeats at ${t}`)
    node.step(msg('HeartbeatAck', 2, 5n, true, 1, ready.messages[0].echo), t + 1)
    node.noteAck(3, t + 2) // as the XDP driver reports a kernel-counted ack
  }
  assert.equal(store.load().role, 'leader')
  const peers = node.status().peers
  assert.deepEqual(peers.map((p) => [p.id, p.lastAckMs]), [[2, 2001], [3, 2002], [4, undefined], [5, undefined]])
  assert.equal(peers[0].rttMs, 1, 'round trip from the echoed send time')
})

test('rule 6: a leader that hears from too few members within the longest election timeout W steps down at exactly W after the last quorum', () => {
  const store = new MemoryHardStateStore({term: 5n, votedFor: 1, role: 'leader'})
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0})
  node.tick(0)
  node.step(msg('HeartbeatAck', 2, 5n, true), 40)
  node.step(msg('HeartbeatAck', 3, 5n, true), 60)
  // From 60 on only n2 answers: self + n2 = 2 < 3; the quorum was last whole with n3's ack at 60.
  for (let t = 100; t < 60 + W; t += H) node.step(msg('HeartbeatAck', 2, 5n, true), t + 1)
  node.tick(60 + W - 0.5)
  assert.equal(store.load().role, 'leader')
  assert.equal(node.nextDeadlineMs(), 60 + W, 'check-quorum is a deadline the driver is told about')
  const ready = node.tick(60 + W)
  assert.deepEqual(store.load(), {term: 5n, votedFor: 1, role: 'follower'}, 'same term, follower')
  assert.deepEqual(ready.events.map((e) => e.kind), ['check-quorum-failed', 'stepped-down'])
  const failed = ready.events[0]
  assert.ok(failed.kind === 'check-quorum-failed')
  assert.deepEqual([failed.acked, failed.quorum, failed.windowMs], [2, 3, W])
})

test('rule 6: a new leader gets one full window W before check-quorum applies', () => {
  const store = new MemoryHardStateStore({term: 5n, votedFor: 1, role: 'candidate'})
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0})
  node.step(msg('VoteResponse', 2, 5n, true), 10)
  node.step(msg('VoteResponse', 3, 5n, true), 20)
  assert.equal(store.load().role, 'leader')
  node.tick(20 + W - 1)
  assert.equal(store.load().role, 'leader')
  node.tick(20 + W)
  assert.equal(store.load().role, 'follower')
})

test('E10 (unit): a leader sends at most 1000 / H + 1 heartbeats per follower in 1 s, and no vote traffic', () => {
  const store = new MemoryHardStateStore({term: 1n, votedFor: 1, role: 'leader'})
  const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0})
  const sent: string[] = []
  for (let t = 0; t <= 1000; t = node.nextDeadlineMs()) {
    const ready = node.tick(t)
    for (const m of ready.messages) {
      sent.push(`${m.type}>${m.to}`)
      node.noteAck(m.to, t + 0.5)
    }
  }
  assert.equal(sent.filter((s) => s === 'Heartbeat>2').length, 1000 / H + 1)
  assert.equal(sent.filter((s) => !s.startsWith('Heartbeat')).length, 0)
})

test('at MAX_TERM a timed-out node stays put and says once that no term is left, with or without pre-vote', () => {
  for (const preVote of [false, true]) {
    const exhausted: HardState = {term: MAX_TERM, votedFor: 3, role: 'follower'}
    const store = new MemoryHardStateStore(exhausted)
    const node = new RaftNode(fiveNodeConfig(), store, () => 0, {nowMs: 0, preVote})
    const first = node.tick(T)
    assert.deepEqual(first.events.map((e) => e.kind), ['terms-exhausted'], `preVote ${preVote}`)
    assert.match(formatEvent(first.events[0]), /no term is left above 70368744177663/)
    assert.deepEqual(first.messages, [], 'no request for a term above MAX_TERM')
    assert.deepEqual(store.load(), exhausted)
    const later = node.tick(3 * T)
    assert.deepEqual([later.events, later.messages], [[], []], 'said once, not at every timeout')
    assert.equal(node.nextDeadlineMs(), 4 * T, 'the timer keeps running')
  }
})
