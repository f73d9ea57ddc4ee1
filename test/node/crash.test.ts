// crash(forMs) and --crash-after-heartbeats: a crashed node sends nothing and hears nothing; the
// others elect a new leader with a higher term (E2); the crashed node rejoins as a follower of the
// same term with a fresh timeout and follows the new leader without changing it.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {ControlError} from '../../src/node/control.js'
import {linesOf} from './helpers/memory-node.js'
import {MemoryCluster, type Style} from './helpers/memory-cluster.js'

const ROUND_MS = 300

for (const style of ['userspace', 'xdp'] as Style[]) {
  describe(`crash and rejoin (${style})`, () => {
    it('E2: the crashed leader goes silent, a new leader is elected in a higher term, the old one rejoins as its follower', async () => {
      const cluster = new MemoryCluster(3, style, 7)
      await cluster.start()
      const old = cluster.electLeader()
      const oldNode = cluster.node(old)
      const term = BigInt(oldNode.runtime.state().term)
      const sentBefore = oldNode.ops.filter((o) => o.op === 'send').length
      const crash = oldNode.runtime.crash(3000)
      assert.equal(oldNode.runtime.state().crashed, true)
      const others = cluster.nodes.map((n) => n.id).filter((id) => id !== old)
      const next = cluster.electLeader(5 * ROUND_MS, others)
      assert.ok(BigInt(cluster.node(next).runtime.state().term) > term)
      assert.equal(oldNode.ops.filter((o) => o.op === 'send').length, sentBefore, 'a crashed node sent something')
      cluster.clock.advance(3000)
      const report = await crash
      assert.deepEqual(report, {nodeId: old, wasLeader: true, before: {leaderId: old, term: String(term)}, forMs: 3000})
      assert.deepEqual(linesOf(oldNode, 'crash-started').length + linesOf(oldNode, 'crash-ended').length, 2)
      cluster.clock.advance(10 * ROUND_MS)
      assert.equal(cluster.agreedLeader(), next, 'the rejoining node changed the leader')
      assert.equal(oldNode.runtime.state().role, 'follower')
      assert.deepEqual(cluster.violations(), [])
      await cluster.stop()
    })

    it('refuses a second crash while crashed (409), a non-positive duration (400), and a stopped node (503)', async () => {
      const cluster = new MemoryCluster(3, style)
      await cluster.start()
      const runtime = cluster.node(1).runtime
      await assert.rejects(runtime.crash(0), (e: ControlError) => e.status === 400)
      const crash = runtime.crash(100)
      await assert.rejects(runtime.crash(100), (e: ControlError) => e.status === 409 && /already crashed/.test(e.message))
      cluster.clock.advance(100)
      await crash
      await cluster.stop()
      await assert.rejects(runtime.crash(100), (e: ControlError) => e.status === 503)
    })

    it('--crash-after-heartbeats 3: the leader sends exactly 3 rounds, then stays crashed; the others take over', async () => {
      // n1 times out first (random 0), so it leads; the others draw late timeouts.
      const cluster = new MemoryCluster(3, style, 1, (id) => (id === 1 ? {crashAfterHeartbeats: 3, random: () => 0} : {random: () => (id === 2 ? 0.4 : 0.9)}))
      await cluster.start()
      cluster.clock.runUntil(() => linesOf(cluster.node(1), 'crash-started').length > 0, 5 * ROUND_MS)
      const n1 = cluster.node(1)
      assert.equal(linesOf(n1, 'became-leader').length, 1)
      assert.match(String(linesOf(n1, 'crash-started')[0]?.message), /after 3 heartbeat rounds as leader/)
      cluster.clock.advance(20 * ROUND_MS)
      const heartbeats = n1.ops.filter((o) => o.op === 'send' && o.message.type === 'Heartbeat')
      assert.equal(heartbeats.length, 3 * 2, '3 rounds to 2 peers')
      assert.equal(n1.runtime.state().crashed, true, 'it never rejoins')
      assert.notEqual(cluster.agreedLeader([2, 3]), undefined)
      assert.deepEqual(cluster.violations(), [])
      await cluster.stop()
    })
  })
}
