/**
 * What `cluster down --stale` takes for a leftover (src/cluster/cleanup.ts staleClusters): only
 * raftctl's own clusters, only when no owner runs them and no process runs in them.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {after, describe, it} from 'node:test'
import {Cluster} from '../../src/cluster/cluster.js'
import {isStale, removeCluster, staleClusters} from '../../src/cluster/cleanup.js'
import {ownerAlive, ownManifest} from '../../src/cluster/manifest.js'
import {clusterNames, uniqueClusterName} from '../../src/cluster/names.js'
import {nsenterArgs, sh, shQuiet} from '../../src/cluster/shell.js'
import {running} from './leftovers.js'

const made: string[] = []
after(async () => {
  for (const name of made) await removeCluster(clusterNames(name))
})

function unique(): ReturnType<typeof clusterNames> {
  const names = clusterNames(uniqueClusterName('s'))
  made.push(names.name)
  return names
}

describe('stale clusters', () => {
  it('an owner is its pid and start time: a reused pid is not the owner', () => {
    const mine = ownManifest('x', [])
    assert.ok(ownerAlive(mine))
    assert.ok(!ownerAlive({...mine, ownerStart: mine.ownerStart! + 1}))
    assert.ok(!ownerAlive({...mine, ownerPid: 0x3fffffff}))
  })

  it('a switch namespace with a bridge of the cluster\'s name but not raftctl\'s is not one', () => {
    const names = unique()
    sh('ip', ['netns', 'add', names.switchNs])
    sh('ip', ['-n', names.switchNs, 'link', 'add', names.bridge, 'type', 'bridge'])
    assert.ok(!staleClusters().includes(names.name))
    shQuiet('ip', ['netns', 'del', names.switchNs])
  })

  it('a cluster is not one while its owner runs, nor while a process runs in it with its manifest unreadable', async () => {
    const cluster = await Cluster.create({nodes: 1, name: unique().name, command: ['sleep', '600']})
    try {
      assert.ok(!staleClusters().includes(cluster.names.name), 'its owner (this process) runs')
      writeFileSync(`${cluster.names.runDir}/cluster.json`, '') // a manifest nobody can read
      cluster.start()
      const [pid] = cluster.processIds()
      assert.ok(pid !== undefined && running(pid))
      assert.ok(!isStale(cluster.names), 'a process runs in its namespace, whatever its manifest says')
    } finally {
      await cluster.destroy()
    }
  })

  it('a process someone started in the namespace by hand keeps the cluster', async () => {
    const names = unique()
    sh('ip', ['netns', 'add', names.nodeNs(1)])
    const child = spawn('nsenter', [...nsenterArgs(names.nodeNs(1)), 'sleep', '600'], {stdio: 'ignore'})
    try {
      mkdirSync(names.scratchDir, {recursive: true})
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.ok(!isStale(names))
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
      assert.ok(isStale(names), 'a scratch dir and an empty namespace are left')
      assert.ok(staleClusters().includes(names.name), 'found by its scratch dir')
    } finally {
      child.kill('SIGKILL')
    }
  })
})
