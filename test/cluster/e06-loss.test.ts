/**
 * SCENARIOS.md E6: 20% packet loss on every link (nftables numgen on the bridge), 3 nodes: a
 * leader exists at least 90% of the time over 50 rounds. Delay is not emulated: this kernel has no
 * netem (NOTES.md) and the harness has no delayer of its own, so only the loss half is tested.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'
import {startCluster, started, stopCluster} from './scenario.js'

describe('E6 packet loss', () => {
  it('20% loss on every link: a leader at least 90% of the time over 50 rounds', async (t) => {
    const cluster = await startCluster({nodes: 3})
    await started(cluster)
    await cluster.waitForLeader(10 * cluster.roundMs)
    cluster.setLoss(20)
    // a sample counts when some node leads in the highest term any node has reached
    let samples = 0
    let withLeader = 0
    const end = performance.now() + 50 * cluster.roundMs
    while (performance.now() < end) {
      cluster.observer.assertSafe()
      const views = cluster.nodes.map((n) => cluster.view(n)!)
      const top = views.reduce((max, v) => (v.term > max ? v.term : max), 0n)
      samples++
      if (views.some((v) => v.role === 'leader' && v.term === top)) withLeader++
      await sleep(10)
    }
    cluster.setLoss(0)
    const share = withLeader / samples
    const elections = cluster.observer.leaderHistory().length
    t.diagnostic(`leader present in ${(share * 100).toFixed(1)}% of ${samples} samples; ${elections} leaders in all`)
    assert.ok(share >= 0.9, `a leader only ${(share * 100).toFixed(1)}% of the time`)
    cluster.observer.assertSafe()
    await stopCluster(cluster)
  })
})
