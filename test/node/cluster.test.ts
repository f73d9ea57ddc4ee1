// E1 and E5 on runtimes over the memory network: one leader, agreed by all, stable while idle;
// a leader cut off from the majority steps down and, on heal, follows the new leader without
// causing another election (PreVote, on by default in the runtime).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {linesOf} from './helpers/memory-node.js'
import {MemoryCluster, type Style} from './helpers/memory-cluster.js'

const ROUND_MS = 300 // 2T with T = 150

for (const style of ['userspace', 'xdp', 'mixed'] as Style[]) {
  describe(`a ${style} cluster of runtimes`, () => {
    for (const size of [3, 5]) {
      it(`E1: ${size} nodes elect one leader within 5 rounds, all agree, and the term holds for 20 idle rounds`, async () => {
        const cluster = new MemoryCluster(size, style, size)
        await cluster.start()
        const leader = cluster.electLeader(5 * ROUND_MS)
        const term = cluster.node(leader).runtime.state().term
        cluster.clock.advance(20 * ROUND_MS)
        assert.equal(cluster.agreedLeader(), leader)
        assert.equal(cluster.node(leader).runtime.state().term, term)
        assert.deepEqual(cluster.violations(), [])
        for (const node of cluster.nodes) assert.equal(linesOf(node, 'became-leader').length, node.id === leader ? 1 : 0)
        await cluster.stop()
      })
    }

    it('E4/E5: an isolated leader steps down; on heal it follows the new leader, no further election', async () => {
      const cluster = new MemoryCluster(5, style, 3)
      await cluster.start()
      const old = cluster.electLeader()
      cluster.network.isolate(cluster.node(old).addr)
      cluster.clock.advance(2 * ROUND_MS)
      assert.notEqual(cluster.node(old).runtime.state().role, 'leader', 'the isolated leader must step down within 2 rounds')
      const next = cluster.electLeader(5 * ROUND_MS, cluster.nodes.map((n) => n.id).filter((id) => id !== old))
      assert.notEqual(next, old)
      const term = cluster.node(next).runtime.state().term
      cluster.clock.advance(10 * ROUND_MS)
      cluster.network.heal()
      cluster.clock.advance(10 * ROUND_MS)
      assert.equal(cluster.agreedLeader(), next, 'the heal changed the leader')
      assert.equal(cluster.node(old).runtime.state().term, term)
      assert.deepEqual(cluster.violations(), [])
      await cluster.stop()
    })
  })
}
