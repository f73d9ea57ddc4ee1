// Rule 8 with a kernel that votes on its own (xdp): the kernel may adopt and vote only in terms up
// to a limit that was saved before the kernel learned it, so nothing it did can be forgotten.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {MemoryHardStateStore, type HardState} from '../../src/raft/index.js'
import {FakeClock} from './helpers/fake-clock.js'
import {fakeNetwork, linesOf, memoryNode, members, type Op, type TestNode, WirePeer} from './helpers/memory-node.js'

/** A store that records every write with the kernel's limit at that moment. */
class WatchedStore extends MemoryHardStateStore {
  readonly writes: Array<{state: HardState; limit: bigint}> = []
  limit: () => bigint = () => 0n

  compareAndSwap(expected: HardState, next: HardState): boolean {
    const ok = super.compareAndSwap(expected, next)
    if (ok) this.writes.push({state: {...next}, limit: this.limit()})
    return ok
  }
}

/** Every limit handed to the kernel was saved first (the op log says so). */
function limitsSavedFirst(ops: Op[]): string[] {
  let saved = 0n
  const problems: string[] = []
  for (const op of ops) {
    if (op.op === 'save' && op.state.termLimit > saved) saved = op.state.termLimit
    if (op.op === 'limit' && op.limit > saved) problems.push(`limit ${op.limit} set while only ${saved} was saved`)
  }
  return problems
}

function kernelNode(): {clock: FakeClock; node: TestNode; store: WatchedStore; peers: WirePeer[]} {
  const clock = new FakeClock()
  const network = fakeNetwork(clock)
  const store = new WatchedStore()
  const node = memoryNode({network, clock, self: members(3)[0], members: members(3), kernel: true, store})
  store.limit = () => node.dataplane.termLimit
  const peers = [new WirePeer(network, members(3)[1], node.addr), new WirePeer(network, members(3)[2], node.addr)]
  return {clock, node, store, peers}
}

describe('term limit (xdp-style memory dataplane)', () => {
  it('starts with a limit of term + 4, saved before the dataplane starts', async () => {
    const {node} = kernelNode()
    await node.runtime.start()
    assert.deepEqual(node.durable.saves[0], {term: 0n, votedFor: 0, termLimit: 4n})
    assert.equal(node.dataplane.termLimit, 4n)
    await node.runtime.stop()
  })

  it('a request above the limit is refused; the limit is raised (saved, then set) and the retransmission granted', async () => {
    const {clock, node, peers: [candidate]} = kernelNode()
    await node.runtime.start()
    candidate.send({type: 'VoteRequest', term: 20n, echo: 1n})
    clock.advance(5)
    assert.deepEqual(candidate.of('VoteResponse'), [], 'the kernel answers nothing above its limit')
    assert.equal(linesOf(node, 'term-limit').length, 1)
    assert.equal(node.dataplane.termLimit, 24n)
    assert.deepEqual(node.ops.filter((o) => o.op !== 'send').map((o) => (o.op === 'limit' ? `limit ${o.limit}` : `save ${o.state.termLimit}`)),
      ['save 4', 'save 24', 'limit 24'])
    candidate.send({type: 'VoteRequest', term: 20n, echo: 2n})
    clock.advance(5)
    assert.deepEqual(candidate.of('VoteResponse').map((m) => [m.term, m.flag, m.echo]), [[20n, true, 2n]])
    assert.deepEqual(node.durable.current, {term: 20n, votedFor: 2, termLimit: 24n})
    await node.runtime.stop()
  })

  it('as terms climb, no hard state is ever written above the limit in force, and every limit was saved first', async () => {
    const {clock, node, store, peers: [leader, other]} = kernelNode()
    await node.runtime.start()
    for (let term = 1n; term <= 30n; term++) {
      const from = term % 2n ? leader : other
      from.send({type: term % 3n ? 'Heartbeat' : 'VoteRequest', term, echo: term})
      clock.advance(20)
      from.send({type: 'Heartbeat', term, echo: term}) // a refused first message is retried, as senders do
      clock.advance(20)
    }
    assert.equal(node.dataplane.store.load().term, 30n)
    const above = store.writes.filter((w) => w.state.term > w.limit)
    assert.deepEqual(above, [], 'the kernel acted beyond its persisted limit')
    assert.deepEqual(limitsSavedFirst(node.ops), [])
    assert.ok(node.dataplane.termLimit >= 30n + 4n, `limit ${node.dataplane.termLimit} not ahead of term 30`)
    await node.runtime.stop()
  })

  it('its own candidacy is saved with a limit ahead of it before the VoteRequests go out', async () => {
    const {clock, node} = kernelNode()
    await node.runtime.start()
    assert.ok(clock.runUntil(() => linesOf(node, 'became-candidate').length > 0, 2000))
    const save = node.ops.findIndex((o) => o.op === 'save' && o.state.term === 1n && o.state.termLimit === 5n)
    const limit = node.ops.findIndex((o) => o.op === 'limit' && o.limit === 5n)
    const send = node.ops.findIndex((o) => o.op === 'send' && o.message.type === 'VoteRequest')
    assert.ok(save >= 0 && save < limit && limit < send, JSON.stringify(node.ops.map((o) => o.op)))
    await node.runtime.stop()
  })
})
