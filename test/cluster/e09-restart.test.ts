/**
 * SCENARIOS.md E9: kill -9 of a node's raftctl process mid-term and a restart with the same state
 * dir. A follower's restart changes no leader; a node killed right after it voted keeps that vote
 * (pinned hard state, and the state file written before the vote) and never votes for another
 * candidate in that term, which the observer checks on every vote line of every node.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {Cluster} from '../../src/cluster/cluster.js'
import {startCluster, started} from './scenario.js'

describe('E9 restart mid-term', () => {
  let cluster: Cluster

  it('a follower killed with SIGKILL and restarted: same leader, same term', async () => {
    cluster = await startCluster({nodes: 3})
    await started(cluster)
    const before = await cluster.waitForLeader(10 * cluster.roundMs)
    const follower = cluster.nodes.find((n) => n !== before.leader)!
    const leaders = cluster.observer.leaderHistory().length
    await cluster.kill(follower)
    await cluster.hold(3 * cluster.roundMs)
    const since = performance.now()
    cluster.restart(follower)
    await started(cluster, [follower], since)
    await cluster.waitForLeader(10 * cluster.roundMs, () => cluster.nodes)
    await cluster.hold(10 * cluster.roundMs)
    assert.deepEqual(cluster.currentLeader(cluster.nodes), before)
    assert.equal(cluster.observer.leaderHistory().length, leaders, 'no election')
  })

  it('a node killed right after granting a vote keeps it across the restart and votes once in that term', async () => {
    const before = await cluster.waitForLeader(10 * cluster.roundMs, () => cluster.nodes)
    const since = performance.now()
    const voted = () => cluster.log.find((e) => e.atMs >= since && e.node !== before.leader && e.line?.kind === 'vote-granted')
    // A crash, not a kill: a killed leader's kernel would still vote, and could cast the only vote granted.
    const crash = await cluster.api(before.leader, 'POST', '/crash', {for_ms: 600_000})
    assert.equal(crash.status, 202)
    await cluster.waitFor('a follower to grant a vote', () => voted() !== undefined, 10 * cluster.roundMs)
    const {node: voter, line} = voted()!
    await cluster.kill(voter)
    await cluster.kill(before.leader)
    const kept = cluster.hardState(voter)
    assert.ok(kept.term >= line!.term, `n${voter}'s pinned term ${kept.term} is not below the vote's term ${line!.term}`)
    if (kept.term === line!.term) assert.equal(kept.votedFor, line!.fields.peerId, 'the pinned vote is the one granted')
    const restartAt = performance.now()
    cluster.restart(voter)
    cluster.restart(before.leader)
    await started(cluster, [voter, before.leader], restartAt)
    const after = cluster.hardState(voter)
    assert.ok(after.term > kept.term || after.votedFor === kept.votedFor, `n${voter} lost its vote of term ${kept.term} on restart`)
    await cluster.waitForLeader(20 * cluster.roundMs, () => cluster.nodes)
    await cluster.hold(5 * cluster.roundMs)
    cluster.observer.assertSafe()
  })
})
