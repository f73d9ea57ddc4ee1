/**
 * SCENARIOS.md E4 (minority partition: the leader alone) and E5 (heal after a partition), with
 * nftables drops on the bridge, 5 nodes.
 */
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {describe, it} from 'node:test'
import type {Cluster} from '../../src/cluster/cluster.js'
import {rounds, startCluster, started} from './scenario.js'

/** Heals, then checks that the partitioned nodes adopt the majority's leader and term without a leader change. */
async function healAndCheck(cluster: Cluster, majority: {leader: number; term: bigint}): Promise<number> {
  const leadersBefore = cluster.observer.leaderHistory().length
  const healAt = performance.now()
  cluster.healAll()
  await cluster.waitForLeader(10 * cluster.roundMs, () => cluster.nodes)
  const adoptedMs = performance.now() - healAt
  await cluster.hold(10 * cluster.roundMs, () =>
    assert.deepEqual(cluster.currentLeader(cluster.nodes), majority, 'every node follows the majority\'s leader in its term'))
  assert.equal(cluster.observer.leaderHistory().length, leadersBefore, 'the heal caused no election')
  return adoptedMs
}

describe('E4 and E5 partitions', () => {
  let cluster: Cluster

  it('E4: an isolated leader steps down within 2 rounds, the majority elects, no leader on the minority side', async (t) => {
    cluster = await startCluster({nodes: 5})
    await started(cluster)
    const {leader: old, term} = await cluster.waitForLeader(10 * cluster.roundMs)
    const rest = cluster.nodes.filter((n) => n !== old)
    const cutAt = performance.now()
    cluster.partition([[old], rest])
    let stepDownMs: number | undefined
    await cluster.waitFor(`n${old} to step down and ${rest.map((n) => `n${n}`)} to elect`, () => {
      if (stepDownMs === undefined && cluster.view(old)?.role !== 'leader') stepDownMs = performance.now() - cutAt
      return stepDownMs !== undefined && cluster.currentLeader(rest) !== undefined
    }, 10 * cluster.roundMs)
    assert.ok(stepDownMs! <= 2 * cluster.roundMs, `n${old} stepped down after ${rounds(cluster, stepDownMs!)}`)
    const majority = cluster.currentLeader(rest)!
    assert.ok(majority.term > term)
    await cluster.hold(10 * cluster.roundMs, () => {
      assert.notEqual(cluster.view(old)?.role, 'leader', `n${old} led again while alone`)
      assert.deepEqual(cluster.currentLeader(rest), majority, 'the majority keeps its leader')
    })
    t.diagnostic(`n${old} stepped down after ${rounds(cluster, stepDownMs!)}; n${majority.leader} leads term ${majority.term}`)
    const adoptedMs = await healAndCheck(cluster, majority)
    t.diagnostic(`E5 (healed leader side): n${old} adopted n${majority.leader}'s term after ${rounds(cluster, adoptedMs)}`)
  })

  it('E5: two partitioned followers adopt the majority\'s term and leader on heal; the heal changes no leader', async (t) => {
    const majority = await cluster.waitForLeader(10 * cluster.roundMs, () => cluster.nodes)
    const minority = cluster.nodes.filter((n) => n !== majority.leader).slice(0, 2)
    cluster.partition([minority, cluster.nodes.filter((n) => !minority.includes(n))])
    await cluster.hold(10 * cluster.roundMs, () => {
      assert.deepEqual(cluster.currentLeader(cluster.nodes.filter((n) => !minority.includes(n))), majority, 'the majority kept its leader')
      assert.deepEqual(minority.filter((n) => cluster.view(n)?.role === 'leader'), [], 'no leader on the minority side')
    })
    const adoptedMs = await healAndCheck(cluster, majority)
    t.diagnostic(`${minority.map((n) => `n${n}`).join(',')} adopted n${majority.leader}'s term ${majority.term} after ${rounds(cluster, adoptedMs)}`)
    cluster.observer.assertSafe()
  })
})
