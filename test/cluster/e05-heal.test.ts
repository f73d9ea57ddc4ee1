/**
 * SCENARIOS.md E5 (heal after a partition) on 5 XDP nodes with nftables drops on the bridge, held to
 * what PreVote (Raft thesis §9.6) promises: a node cut off from the cluster asks for pre-votes but never
 * raises its term, so its return deposes no one. Two cases: two followers cut off, and the E4 -> E5
 * case of a leader cut off alone (it steps down by check-quorum, the majority elects in a new term).
 */
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {describe, it} from 'node:test'
import type {Cluster} from '../../src/cluster/cluster.js'
import {rounds, startCluster, started} from './scenario.js'

/** Rounds a partition lasts: long enough for several election timeouts on the cut side. */
const CUT_ROUNDS = 10

/** Kinds of the lines `nodes` logged since `sinceMs`. */
function kindsSince(cluster: Cluster, nodes: number[], sinceMs: number): string[] {
  return cluster.log.filter((e) => nodes.includes(e.node) && e.atMs >= sinceMs && e.line).map((e) => e.line!.kind)
}

/** The highest term any of `nodes` logged since `sinceMs`. */
function highestTermSince(cluster: Cluster, nodes: number[], sinceMs: number): bigint {
  return cluster.log.filter((e) => nodes.includes(e.node) && e.atMs >= sinceMs && e.line)
    .reduce((max, e) => (e.line!.term > max ? e.line!.term : max), 0n)
}

/** Heals; every node then follows `majority`'s leader in its term, and no election happens for 10 rounds. */
async function healAndCheck(cluster: Cluster, majority: {leader: number; term: bigint}): Promise<number> {
  const leadersBefore = cluster.observer.leaderHistory().length
  const healAt = performance.now()
  cluster.healAll()
  await cluster.waitFor(`every node to follow n${majority.leader} in term ${majority.term}`, () => {
    const agreed = cluster.currentLeader(cluster.nodes)
    return agreed?.leader === majority.leader && agreed.term === majority.term
  }, 10 * cluster.roundMs)
  const adoptedMs = performance.now() - healAt
  await cluster.hold(10 * cluster.roundMs, () =>
    assert.deepEqual(cluster.currentLeader(cluster.nodes), majority, "every node follows the majority's leader in its term"))
  for (const n of cluster.nodes) assert.equal(cluster.hardState(n).term, majority.term, `n${n}'s pinned term is the leader's`)
  assert.equal(cluster.observer.leaderHistory().length, leadersBefore, 'the heal caused no election')
  assert.ok(!kindsSince(cluster, cluster.nodes, healAt).includes('became-candidate'), 'nobody campaigned after the heal')
  return adoptedMs
}

describe('E5 heal after a partition (PreVote)', () => {
  let cluster: Cluster

  it(`E5: two followers cut off for ${CUT_ROUNDS} rounds pre-vote without raising their term; the heal changes no leader`, async (t) => {
    cluster = await startCluster({nodes: 5})
    await started(cluster)
    const majority = await cluster.waitForLeader(10 * cluster.roundMs, () => cluster.nodes)
    const minority = cluster.nodes.filter((n) => n !== majority.leader).slice(0, 2)
    const rest = cluster.nodes.filter((n) => !minority.includes(n))
    const cutAt = performance.now()
    cluster.partition([minority, rest])
    await cluster.hold(CUT_ROUNDS * cluster.roundMs, () => {
      assert.deepEqual(cluster.currentLeader(rest), majority, 'the majority keeps its leader')
      assert.deepEqual(minority.filter((n) => cluster.view(n)?.role !== 'follower'), [], 'the cut followers stay followers')
    })
    const cutKinds = kindsSince(cluster, minority, cutAt)
    assert.ok(cutKinds.includes('pre-vote-started'), 'the cut followers timed out and asked for pre-votes')
    assert.ok(!cutKinds.includes('became-candidate'), 'without a pre-vote quorum they never campaigned')
    assert.equal(highestTermSince(cluster, minority, cutAt), majority.term, 'their term never moved')
    const adoptedMs = await healAndCheck(cluster, majority)
    t.diagnostic(`${minority.map((n) => `n${n}`).join(',')} rejoined n${majority.leader} in term ${majority.term} after ${rounds(cluster, adoptedMs)}`)
    cluster.observer.assertSafe()
  })

  it(`E4 -> E5: a leader cut off alone for ${CUT_ROUNDS} rounds steps down, keeps its term, and adopts the new leader's on heal`, async (t) => {
    const {leader: old, term: oldTerm} = await cluster.waitForLeader(10 * cluster.roundMs, () => cluster.nodes)
    const rest = cluster.nodes.filter((n) => n !== old)
    const cutAt = performance.now()
    cluster.partition([[old], rest])
    await cluster.waitFor(`n${old} to step down and the others to elect`, () =>
      cluster.view(old)?.role !== 'leader' && cluster.currentLeader(rest) !== undefined, 10 * cluster.roundMs)
    const majority = cluster.currentLeader(rest)!
    assert.ok(majority.term > oldTerm, `the majority elected in term ${majority.term} > ${oldTerm}`)
    await cluster.hold(CUT_ROUNDS * cluster.roundMs, () => {
      assert.notEqual(cluster.view(old)?.role, 'leader', `n${old} led again while alone`)
      assert.deepEqual(cluster.currentLeader(rest), majority, 'the majority keeps its leader')
    })
    assert.equal(highestTermSince(cluster, [old], cutAt), oldTerm, `alone, n${old} never raised its term ${oldTerm}`)
    const adoptedMs = await healAndCheck(cluster, majority)
    t.diagnostic(`n${old} adopted n${majority.leader}'s term ${majority.term} (was ${oldTerm}) after ${rounds(cluster, adoptedMs)}`)
    cluster.observer.assertSafe()
  })
})
