/**
 * SCENARIOS.md E8: split-vote pressure. With --election-timeout-ms 150-150 every node draws the
 * same timeout (the runtime draws uniformly from [min, max], src/raft/timer.ts), and followers
 * that heard the same last heartbeat time out together when the leader crashes. What separates
 * them is only scheduling jitter; the cluster must still elect within 10 rounds every time.
 */
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {describe, it} from 'node:test'
import {rounds, startCluster, started, stopCluster} from './scenario.js'

describe('E8 split-vote pressure', () => {
  it('5 nodes with equal timeouts: after each of 6 leader crashes, a leader within 10 rounds', async (t) => {
    const cluster = await startCluster({nodes: 5, electionTimeoutMs: {min: 150, max: 150}})
    await started(cluster)
    await cluster.waitForLeader(10 * cluster.roundMs)
    for (let i = 1; i <= 6; i++) {
      const before = cluster.currentLeader(cluster.nodes)!
      const others = cluster.nodes.filter((n) => n !== before.leader)
      const crashAt = performance.now()
      const crash = cluster.crash(before.leader, 12 * cluster.roundMs)
      const after = await cluster.waitForLeader(10 * cluster.roundMs, () => others)
      const tookMs = performance.now() - crashAt
      assert.ok(after.term > before.term)
      const splits = Number(after.term - before.term) - 1
      t.diagnostic(`crash ${i} of n${before.leader}: n${after.leader} leads term ${after.term} after ${rounds(cluster, tookMs)}, ${splits} term(s) without a leader`)
      await crash
      await cluster.waitForLeader(20 * cluster.roundMs, () => cluster.nodes)
    }
    cluster.observer.assertSafe()
    await stopCluster(cluster)
  })
})
