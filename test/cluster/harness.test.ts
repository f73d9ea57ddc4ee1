/**
 * The cluster harness itself, on real namespaces with a stand-in node (stand-in.ts): topology,
 * event collection, the API relay, every fault on the bridge side, kill and restart, the safety
 * observer, and cleanup also after its owner crashed.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {Cluster} from '../../src/cluster/cluster.js'
import {removeCluster} from '../../src/cluster/cleanup.js'
import {clusterNames, uniqueClusterName} from '../../src/cluster/names.js'
import {sh, shIn} from '../../src/cluster/shell.js'
import {waitFor} from '../helpers/waiting.js'
import {leftovers, running} from './leftovers.js'

const STAND_IN = [process.execPath, join(import.meta.dirname, 'stand-in.js')]

/** Whether node `n` currently hears `peer`, from its latest peer-heard/peer-lost event. */
function hears(cluster: Cluster, n: number, peer: number): boolean {
  const last = cluster.log.filter((e) => e.node === n && e.line && ['peer-heard', 'peer-lost'].includes(e.line.kind) &&
    e.line.fields.peerId === peer).pop()
  return last?.line?.kind === 'peer-heard'
}

describe('cluster harness (stand-in nodes)', () => {
  let cluster: Cluster

  before(async () => {
    cluster = await Cluster.create({nodes: 3, command: STAND_IN, hosts: 1})
    cluster.start()
  })
  after(async () => {
    await cluster?.destroy()
  })

  it('builds namespaces joined by a bridge in a switch namespace, nothing in the host namespace', () => {
    const {names} = cluster
    const hostLinks = sh('ip', ['-j', 'link', 'show'])
    assert.ok(!hostLinks.includes(`"${names.name}-`), 'no cluster link in the host namespace')
    const ports = JSON.parse(sh('ip', ['-n', names.switchNs, '-j', 'link', 'show', 'master', names.bridge])) as Array<{ifname: string}>
    assert.deepEqual(ports.map((p) => p.ifname).sort(), [names.hostSwitchIface(1), ...cluster.nodes.map((n) => names.switchIface(n))].sort())
    const addr = JSON.parse(sh('ip', ['-n', names.nodeNs(2), '-j', 'addr', 'show', 'dev', names.nodeIface(2)]))
    assert.equal(addr[0].addr_info.find((a: {family: string}) => a.family === 'inet').local, names.addr(2))
    assert.match(shIn(names.nodeNs(2), 'ethtool', ['-k', names.nodeIface(2)]), /tx-checksumming: off/)
  })

  it('collects every node\'s events and each node hears the others', async () => {
    await cluster.waitFor('every node to hear both others', () =>
      cluster.nodes.every((n) => cluster.nodes.every((p) => p === n || hears(cluster, n, p))), 10_000)
  })

  it('reaches each node\'s API on its namespace\'s loopback through the relay', async () => {
    const reply = await cluster.api(3, 'GET', '/state')
    assert.equal(reply.status, 200)
    assert.equal((reply.body as {nodeId: number}).nodeId, 3)
  })

  it('cuts and heals a node by its bridge-side link', async () => {
    cluster.setCut(1, true)
    await cluster.waitFor('n2 and n3 to lose n1', () => !hears(cluster, 2, 1) && !hears(cluster, 3, 1), 3000)
    assert.deepEqual(cluster.connected(), [2, 3])
    cluster.setCut(1, false)
    await cluster.waitFor('n2 and n3 to hear n1 again', () => hears(cluster, 2, 1) && hears(cluster, 3, 1), 3000)
  })

  it('partitions and cuts one way with nftables on the bridge', async () => {
    cluster.partition([[1], [2, 3]])
    await cluster.waitFor('n1 cut off both ways', () => !hears(cluster, 1, 2) && !hears(cluster, 2, 1) && hears(cluster, 2, 3), 3000)
    cluster.healAll()
    cluster.cutOneWay(1, 2)
    await cluster.waitFor('n2 to lose n1 while n1 hears n2', () => !hears(cluster, 2, 1) && hears(cluster, 1, 2), 3000)
    assert.ok(hears(cluster, 1, 2) && hears(cluster, 3, 1))
    cluster.healAll()
    await cluster.waitFor('n2 to hear n1 again', () => hears(cluster, 2, 1), 3000)
  })

  it('drops the given share of packets on every link', async () => {
    const count = async () => ((await cluster.api(2, 'GET', '/state')).body as {received: Record<string, number>}).received['3'] ?? 0
    const before = await count()
    cluster.setLoss(50)
    await cluster.hold(2000)
    cluster.setLoss(0)
    const got = (await count()) - before
    // n3 pings n2 every 10 ms: about 200 sends in 2 s; half should arrive
    assert.ok(got > 50 && got < 150, `n2 received ${got} of about 200 pings at 50% loss`)
  })

  it('kills a node with SIGKILL and restarts it with the same state dir', async () => {
    const pid = cluster.pid(3)!
    await cluster.kill(3)
    assert.ok(!running(pid))
    assert.equal(cluster.pid(3), undefined)
    cluster.restart(3)
    await cluster.waitFor('n3 to start again', () => cluster.log.some((e) => e.node === 3 && e.line?.fields.starts === 2), 5000)
    assert.notEqual(cluster.pid(3), pid)
  })

  it('passes the crash request to the node API', async () => {
    const crash = cluster.crash(1, 100)
    await cluster.waitFor('n1 to report the crash', () => cluster.log.some((e) => e.node === 1 && e.line?.kind === 'crash-started'), 2000)
    assert.equal((await crash).status, 202)
  })

  it('has seen no safety violation from the stand-ins', () => {
    cluster.observer.assertSafe()
  })
})

describe('safety observer on real processes', () => {
  it('reports two nodes that claim leadership of one term', async () => {
    const cluster = await Cluster.create({nodes: 2, command: STAND_IN, extraArgs: () => ['--claim-leader', '3']})
    try {
      cluster.start()
      await assert.rejects(cluster.waitFor('never', () => false, 5000), /two leaders in term 3: n[12] and n[12]/)
    } finally {
      await cluster.destroy()
    }
  })
})

describe('cleanup', () => {
  it('destroy() removes namespaces, pins, files and processes, and is idempotent', async () => {
    const cluster = await Cluster.create({nodes: 2, command: STAND_IN})
    cluster.start()
    await cluster.waitFor('both started', () => cluster.log.filter((e) => e.line?.kind === 'started').length === 2, 5000)
    const pids = cluster.processIds()
    await cluster.destroy()
    await cluster.destroy()
    assert.deepEqual(leftovers(cluster.names), [])
    assert.deepEqual(pids.filter(running), [])
  })

  it('a SIGKILLed owner\'s nodes die with it; the rest is removed by name alone, an untied process too', async () => {
    const name = uniqueClusterName('k')
    const owner = spawn(process.execPath, [join(import.meta.dirname, 'owner.js'), name], {stdio: ['ignore', 'pipe', 'inherit']})
    const names = clusterNames(name)
    try {
      const [ready] = (await once(owner.stdout!, 'data')) as [Buffer]
      const [nodePids, untiedPids] = ready.toString().replace('ready', '').split('/').map((s) => s.trim().split(' ').map(Number))
      assert.equal(nodePids.length, 2, ready.toString())
      owner.kill('SIGKILL')
      await once(owner, 'exit')
      await waitFor('the nodes to die with their owner', () => !nodePids.some(running), 5000)
      assert.ok(leftovers(names).length >= 3, 'the crashed owner left its namespaces behind')
      assert.ok(running(untiedPids[0]), 'the untied process outlived the owner')
      const report = await removeCluster(names)
      assert.ok(report.processes.includes(untiedPids[0]), `found in the namespace: ${report.processes.join(' ')}`)
      assert.deepEqual(report.processes.filter(running), [])
      assert.deepEqual(leftovers(names), [])
    } finally {
      owner.kill('SIGKILL')
      await removeCluster(names)
    }
  })
})
