/**
 * SCENARIOS.md E3: 7 nodes; 9 times, cut 3 random nodes off the bridge, wait for one leader among
 * the connected majority, heal, and wait until all 7 agree on one leader again. The waits are as
 * long as the cluster needs, not fixed (keeps the suite short).
 */
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {describe, it} from 'node:test'
import {rounds, startCluster, started, stopCluster} from './scenario.js'

/** Three distinct nodes out of 1..7, from a seeded generator so a failure can be replayed. */
function pickThree(random: () => number): number[] {
  const pool = [1, 2, 3, 4, 5, 6, 7]
  return [0, 1, 2].map(() => pool.splice(Math.floor(random() * pool.length), 1)[0]!).sort()
}

describe('E3 many failures', () => {
  it('7 nodes, 9 cuts of 3 random nodes: one leader among the majority after each cut, one leader after each heal', async (t) => {
    const seed = Number(process.env.E3_SEED ?? Date.now() % 100_000)
    let state = seed
    const random = () => ((state = (state * 48_271) % 2_147_483_647) / 2_147_483_647)
    t.diagnostic(`seed ${seed} (E3_SEED=${seed} replays it)`)
    const cluster = await startCluster({nodes: 7})
    await started(cluster)
    await cluster.waitForLeader(10 * cluster.roundMs)
    for (let i = 1; i <= 9; i++) {
      const cut = pickThree(random)
      const connected = cluster.nodes.filter((n) => !cut.includes(n))
      // a healed node may still depose the leader just after agreement (its term ran ahead): settle first
      const before = await cluster.waitForLeader(20 * cluster.roundMs, () => cluster.nodes)
      const cutAt = performance.now()
      for (const n of cut) cluster.setCut(n, true)
      const during = await cluster.waitForLeader(20 * cluster.roundMs, () => connected)
      assert.ok(connected.includes(during.leader))
      const electedMs = performance.now() - cutAt
      await cluster.hold(2 * cluster.roundMs)
      assert.deepEqual(cluster.currentLeader(connected), during, 'the majority keeps its leader while the cut lasts')
      const healAt = performance.now()
      for (const n of cut) cluster.setCut(n, false)
      const healed = await cluster.waitForLeader(20 * cluster.roundMs, () => cluster.nodes)
      t.diagnostic(`cut ${cut.map((n) => `n${n}`).join(',')} (leader was n${before.leader}): n${during.leader} term ${during.term} ` +
        `after ${rounds(cluster, electedMs)}; healed: n${healed.leader} term ${healed.term} after ${rounds(cluster, performance.now() - healAt)}`)
    }
    cluster.observer.assertSafe()
    await stopCluster(cluster)
  })
})
