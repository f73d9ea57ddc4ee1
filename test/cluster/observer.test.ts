/**
 * The safety observer on made-up event streams: it must catch each kind of violation (or every
 * scenario would pass vacuously) and must not flag what the rules allow.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseNodeLine, type LogEntry} from '../../src/cluster/events.js'
import {SafetyObserver} from '../../src/cluster/observer.js'

/** One stdout entry of node `node` with the given fields, parsed as the harness parses run's output. */
function entry(node: number, role: string, term: number, kind: string, extra: Record<string, unknown> = {}): LogEntry {
  const text = JSON.stringify({time: '', atMs: 0, nodeId: node, role, term: String(term), kind, source: 'raft', message: kind, ...extra})
  return {node, atMs: 0, stream: 'stdout', line: parseNodeLine(text)}
}

function observe(...entries: LogEntry[]): SafetyObserver {
  const observer = new SafetyObserver()
  for (const e of entries) observer.observe(e)
  return observer
}

describe('safety observer', () => {
  it('flags two leaders in one term', () => {
    const o = observe(entry(1, 'leader', 3, 'became-leader'), entry(2, 'leader', 3, 'quorum-reached', {source: 'kernel'}))
    assert.match(o.violations.join(), /two leaders in term 3: n1 and n2/)
    assert.throws(() => o.assertSafe(), /safety violated/)
  })

  it('accepts one leader per term, and the same leader again in later lines of its term', () => {
    const o = observe(entry(1, 'leader', 3, 'became-leader'), entry(1, 'leader', 3, 'vote-received'), entry(2, 'leader', 4, 'became-leader'))
    assert.deepEqual(o.violations, [])
    assert.deepEqual(o.leaderHistory(), [{term: 3n, leader: 1}, {term: 4n, leader: 2}])
  })

  it('flags a term that goes back on one node, also across a restart', () => {
    const o = observe(entry(2, 'follower', 5, 'term-adopted'), entry(2, 'follower', 5, 'started', {source: 'node'}),
      entry(2, 'follower', 4, 'term-adopted'))
    assert.match(o.violations.join(), /term went back on n2 \(raft\) from 5 to 4/)
  })

  it('orders terms per source: a late kernel line is not a step back of the state machine', () => {
    const o = observe(entry(2, 'candidate', 6, 'became-candidate'), entry(2, 'follower', 5, 'vote-granted', {source: 'kernel', peerId: 3}))
    assert.deepEqual(o.violations, [])
  })

  it('kernel lines: a term change that goes back is flagged, a snapshot of the term from another CPU is not', () => {
    const adopted = entry(5, 'follower', 4, 'term-adopted', {source: 'kernel', prevTerm: '3'})
    const snapshot = observe(adopted, entry(5, 'follower', 3, 'pre-vote-granted', {source: 'kernel', prevTerm: '3', peerId: 7}))
    assert.deepEqual(snapshot.violations, [], 'a pre-vote granted by a run that read term 3 before another adopted 4')
    const back = observe(adopted, entry(5, 'follower', 3, 'term-adopted', {source: 'kernel', prevTerm: '2'}))
    assert.match(back.violations.join(), /term went back on n5 \(kernel\) from 4 to 3/)
  })

  it('flags a second vote in a term, kernel or state machine, and a vote against its own candidacy', () => {
    const twice = observe(entry(1, 'follower', 7, 'vote-granted', {source: 'kernel', peerId: 2}), entry(1, 'follower', 7, 'vote-granted', {peerId: 3}))
    assert.match(twice.violations.join(), /n1 voted twice in term 7: for n2 and for n3/)
    const own = observe(entry(1, 'candidate', 8, 'became-candidate'), entry(1, 'follower', 8, 'vote-granted', {source: 'kernel', peerId: 2}))
    assert.match(own.violations.join(), /n1 voted twice in term 8: for n1 and for n2/)
    const repeat = observe(entry(1, 'follower', 9, 'vote-granted', {peerId: 2}), entry(1, 'follower', 9, 'vote-granted', {source: 'kernel', peerId: 2}))
    assert.deepEqual(repeat.violations, [], 'the same vote repeated (a retransmitted request) is fine')
  })

  it('flags a line printed under another node\'s id', () => {
    assert.match(observe({...entry(1, 'follower', 1, 'started'), node: 2}).violations.join(), /n2 printed an event as n1/)
  })
})
