// Rule 8: the hard state is saved before any message that depends on it is sent; a node that
// cannot save stops without sending (the Ready contract: persist, then send, then log).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {FakeClock} from './helpers/fake-clock.js'
import {fakeNetwork, linesOf, memoryNode, members, type Op, WirePeer} from './helpers/memory-node.js'

/** Index of the first op matching, or -1. */
function indexOf(ops: Op[], match: (op: Op) => boolean): number {
  return ops.findIndex(match)
}

for (const kernel of [false, true]) {
  describe(`persist before send (${kernel ? 'xdp-style' : 'userspace'} memory dataplane)`, () => {
    it('a candidacy (term+1, vote for self) is saved before its VoteRequests go out', async () => {
      const clock = new FakeClock()
      const network = fakeNetwork(clock)
      const node = memoryNode({network, clock, self: members(3)[0], members: members(3), kernel})
      const peers = [new WirePeer(network, members(3)[1], node.addr), new WirePeer(network, members(3)[2], node.addr)]
      await node.runtime.start()
      assert.ok(clock.runUntil(() => linesOf(node, 'became-candidate').length > 0, 1000), 'no candidacy within 1 s')
      const saved = indexOf(node.ops, (o) => o.op === 'save' && o.state.term === 1n && o.state.votedFor === 1)
      const sent = indexOf(node.ops, (o) => o.op === 'send' && o.message.type === 'VoteRequest')
      assert.ok(saved >= 0, `the candidacy was never saved: ${JSON.stringify(node.ops.map((o) => o.op))}`)
      assert.ok(sent > saved, `a VoteRequest (op ${sent}) went out before the save (op ${saved})`)
      clock.advance(5)
      for (const peer of peers) assert.deepEqual(peer.of('VoteRequest').map((m) => m.term), [1n])
      await node.runtime.stop()
    })

    it('a vote is saved before the VoteResponse that grants it (xdp: the kernel votes only below a saved limit)', async () => {
      const clock = new FakeClock()
      const network = fakeNetwork(clock)
      const node = memoryNode({network, clock, self: members(3)[0], members: members(3), kernel})
      const candidate = new WirePeer(network, members(3)[1], node.addr)
      await node.runtime.start()
      candidate.send({type: 'VoteRequest', term: 3n, echo: 42n})
      clock.advance(5)
      assert.deepEqual(candidate.of('VoteResponse').map((m) => [m.term, m.flag, m.echo]), [[3n, true, 42n]])
      assert.deepEqual([node.durable.current?.term, node.durable.current?.votedFor], [3n, 2])
      if (!kernel) {
        const saved = indexOf(node.ops, (o) => o.op === 'save' && o.state.term === 3n && o.state.votedFor === 2)
        const sent = indexOf(node.ops, (o) => o.op === 'send' && o.message.type === 'VoteResponse')
        assert.ok(saved >= 0 && sent > saved, `ops: ${JSON.stringify(node.ops.map((o) => o.op))}`)
      } else {
        // The kernel answered on its own, in a term below the limit saved before start (0 + margin 4).
        assert.equal(node.durable.saves[0].termLimit, 4n)
        assert.deepEqual(node.ops.filter((o) => o.op !== 'send').map((o) => (o.op === 'limit' ? `limit ${o.limit}` : `save ${o.state.termLimit}`)),
          ['save 4', 'save 7', 'limit 7'], 'each new limit is saved before the kernel gets it')
      }
      await node.runtime.stop()
    })

    it('a node that cannot save stops with the error and sends nothing that depends on it', async () => {
      const clock = new FakeClock()
      const network = fakeNetwork(clock)
      const node = memoryNode({network, clock, self: members(3)[0], members: members(3), kernel})
      const peer = new WirePeer(network, members(3)[1], node.addr)
      await node.runtime.start()
      node.durable.failing = true
      clock.advance(1000)
      await assert.rejects(node.runtime.stopped, /no space left on device/)
      // PreVoteRequests depend on no saved state (§9.6: the hard state does not change); the candidacy does.
      const sent = node.ops.filter((o) => o.op === 'send' && o.message.type !== 'PreVoteRequest')
      assert.equal(sent.length, 0, 'nothing may be sent after a failed save')
      clock.advance(5)
      assert.deepEqual(peer.of('VoteRequest'), [])
      const last = node.lines.at(-1)!
      assert.equal(last.kind, 'stopping')
      assert.match(String(last.message), /fatal: .*no space left/)
    })
  })
}
