/**
 * SCENARIOS.md E10: over 1 s of idleness in a 3-node cluster, each follower receives at most
 * 1000 ms / heartbeat interval + 1 heartbeats, and there is no vote traffic. Counted by the
 * kernel (raft_stats: rx = raft messages accepted, tx = replies sent by XDP), read from the pins.
 */
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {describe, it} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'
import {statsDelta} from '../../src/cluster/kernel-maps.js'
import {HEARTBEAT_MS, startCluster, started, stopCluster} from './scenario.js'

describe('E10 heartbeat load', () => {
  it('1 s idle, 3 nodes: at most 1000/interval + 1 heartbeats per follower, no vote traffic', async (t) => {
    const cluster = await startCluster({nodes: 3})
    await started(cluster)
    const leader = await cluster.waitForLeader(10 * cluster.roundMs)
    await cluster.hold(2 * cluster.roundMs)
    const followers = cluster.nodes.filter((n) => n !== leader.leader)
    const logAt = cluster.log.length
    const before = cluster.nodes.map((n) => cluster.stats(n))
    const start = performance.now()
    await sleep(1000)
    const after = cluster.nodes.map((n) => cluster.stats(n))
    const elapsedMs = performance.now() - start
    const limit = Math.floor(elapsedMs / HEARTBEAT_MS) + 1
    for (const n of followers) {
      const d = statsDelta(before[n - 1]!, after[n - 1]!)
      t.diagnostic(`n${n}: ${d.rx} heartbeats received, ${d.tx} acks sent by XDP in ${elapsedMs.toFixed(0)} ms (limit ${limit})`)
      assert.ok(d.rx <= limit, `n${n} received ${d.rx} raft messages in ${elapsedMs.toFixed(0)} ms; at most ${limit} allowed`)
      assert.ok(d.rx >= limit - 4, `n${n} received only ${d.rx} heartbeats: the leader is not sending every ${HEARTBEAT_MS} ms`)
      assert.equal(d.tx, d.rx, `n${n} answered every heartbeat in the kernel and sent nothing else`)
    }
    const votes = cluster.log.slice(logAt).filter((e) => /vote|candidate/.test(e.line?.kind ?? ''))
    assert.deepEqual(votes.map((e) => e.line!.message), [], 'no vote traffic while idle')
    assert.deepEqual(cluster.currentLeader(cluster.nodes), leader)
    cluster.observer.assertSafe()
    await stopCluster(cluster)
  })
})
