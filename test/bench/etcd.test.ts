/**
 * The etcd reference of the benchmark, on real etcd in real namespaces: a 3-member cluster at the
 * timeouts of an aggressive raftctl run (heartbeat 10 ms, election 50 ms) elects, fails over after
 * kill -9 of its leader, counts leader changes, and leaves nothing behind.
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {after, describe, it} from 'node:test'
import {EtcdCluster, etcdAvailable} from '../../src/bench/etcd.js'
import {listNamespaces} from '../../src/cluster/shell.js'
import {running} from '../cluster/leftovers.js'

const version = etcdAvailable()

describe(`etcd ${version ?? ''} reference cluster`, {skip: version === undefined && 'no /usr/bin/etcd (Debian package etcd-server)'}, () => {
  let cluster: EtcdCluster | undefined
  after(async () => {
    await cluster?.destroy()
  })

  it('refuses an election timeout under 5 heartbeats, as etcd would, before building anything', async () => {
    await assert.rejects(EtcdCluster.create({members: 3, heartbeatMs: 10, electionMs: 40}), /election timeout of 5 to \d+ heartbeats/)
  })

  it('elects one leader that all 3 members follow', async () => {
    cluster = await EtcdCluster.create({members: 3, heartbeatMs: 10, electionMs: 50})
    cluster.start()
    const leader = await cluster.waitForLeader(20_000)
    assert.ok(cluster.members.includes(leader))
  })

  it('fails over to a different leader after kill -9 of the leader, 3 times in a row', async (t) => {
    assert.ok(cluster)
    for (let round = 1; round <= 3; round++) {
      const killed = await cluster.waitForLeader(5000)
      const failoverMs = await cluster.failover(5000)
      // at least (5 - 1) ticks of silence before a follower may campaign; at most a few election timeouts
      assert.ok(failoverMs > 0 && failoverMs < 2000, `failover took ${failoverMs} ms`)
      const leader = await cluster.waitForLeader(5000)
      assert.notEqual(leader, killed, `m${killed} was killed, yet leads again`)
      assert.equal(cluster.running().length, 3, 'the killed member runs again')
      t.diagnostic(`round ${round}: m${killed} killed, m${leader} leads after ${failoverMs.toFixed(1)} ms`)
    }
  })

  it('counts leader changes over 2 s with no fault', async (t) => {
    assert.ok(cluster)
    const changes = await cluster.leaderChanges(2000)
    assert.ok(Number.isInteger(changes) && changes >= 0)
    t.diagnostic(`${changes} leader changes in 2 s`)
  })

  it('destroy() kills every etcd and removes its namespaces and data, twice without error', async () => {
    assert.ok(cluster)
    const pids = cluster.processIds()
    assert.equal(pids.length, 4, 'three members and the poller')
    await cluster.destroy()
    await cluster.destroy()
    assert.deepEqual(listNamespaces().filter((ns) => cluster!.names.ownsNamespace(ns)), [])
    assert.deepEqual(pids.filter(running), [])
    assert.ok(!existsSync(cluster.dataDir) && !existsSync(cluster.names.runDir), 'data and run dirs removed')
  })
})
