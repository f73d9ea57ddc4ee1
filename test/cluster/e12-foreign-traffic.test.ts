/**
 * SCENARIOS.md E12: malformed and foreign traffic at the raft port, sent from a test host on the
 * bridge (not a member): truncated, oversized, wrong magic, wrong version, unknown type, wrong
 * cluster id, a non-member sender, and a huge term from a member's address (spoofed: the host
 * holds that address on its loopback and reaches nodes through static neighbour entries, so no
 * ARP ever points a node at it). No node crashes or changes term or leader, the kernel counts
 * every frame as malformed or foreign (so none was XDP_ABORTED), and other UDP and TCP traffic
 * to a node is unaffected. ICMP is not probed: Debian's ping is not installed here.
 */
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {once} from 'node:events'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import type {Cluster} from '../../src/cluster/cluster.js'
import {CLUSTER_RAFT_PORT} from '../../src/cluster/names.js'
import {ipIn, sh} from '../../src/cluster/shell.js'
import {statsDelta} from '../../src/cluster/kernel-maps.js'
import {encodeMessage, type WireMessage} from '../../src/dataplane/wire.js'
import {startCluster, started, stopCluster} from './scenario.js'

const TOOL = join(import.meta.dirname, 'udp-tool.js')
const ECHO_PORT = 7007

function toolIn(netns: string, ...args: string[]): string {
  const result = spawnSync('nsenter', [`--net=/run/netns/${netns}`, process.execPath, TOOL, ...args], {encoding: 'utf8', timeout: 20_000})
  assert.equal(result.status, 0, `udp-tool ${args[0]} in ${netns}: ${result.stderr}`)
  return result.stdout
}

/** The bad payloads, each with the counter the kernel should put it under. */
function badPayloads(spoofed: string, host: string, spoofedId: number): Array<{hex: string; from?: string; counter: 'malformed' | 'foreign' | 'rx'}> {
  const good: WireMessage = {type: 'VoteRequest', flag: false, clusterId: 0, senderId: spoofedId, term: 1000n, echo: 1n}
  const msg = (m: Partial<WireMessage>, version?: number) => encodeMessage({...good, ...m}, version)
  const huge = msg({})
  huge.writeBigUInt64BE(1n << 60n, 16)
  const badMagic = msg({})
  badMagic.writeUInt16BE(0xdead, 0)
  const badType = msg({})
  badType.writeUInt8(9, 3)
  return [
    {hex: msg({}).subarray(0, 10).toString('hex'), counter: 'malformed'},
    {hex: Buffer.concat([msg({}), Buffer.alloc(32)]).toString('hex'), counter: 'malformed'},
    {hex: badMagic.toString('hex'), counter: 'malformed'},
    {hex: msg({}, 9).toString('hex'), counter: 'malformed'},
    {hex: badType.toString('hex'), counter: 'malformed'},
    {hex: msg({clusterId: 99}).toString('hex'), from: spoofed, counter: 'foreign'},
    {hex: msg({}).toString('hex'), from: host, counter: 'foreign'},
    {hex: msg({type: 'Heartbeat', senderId: 40}).toString('hex'), from: host, counter: 'foreign'},
    {hex: huge.toString('hex'), from: spoofed, counter: 'malformed'},
    // valid but stale, from a member: rule 4 rejects it (an ack with the current term), nothing else
    {hex: msg({type: 'Heartbeat', term: 0n}).toString('hex'), from: spoofed, counter: 'rx'},
  ]
}

/** Gives the host a member's address on a dummy link, with static neighbours for the targets. */
function spoofFrom(cluster: Cluster, member: number, targets: number[]): void {
  const {names} = cluster
  const host = names.hostNs(1)
  ipIn(host, 'addr', 'add', `${names.addr(member)}/32`, 'dev', 'lo')
  // answer ARP only for addresses of the asking link: the member's address is never claimed on the bridge
  sh('nsenter', [`--net=/run/netns/${host}`, 'sysctl', '-q', '-w', `net.ipv4.conf.${names.hostIface(1)}.arp_ignore=1`, 'net.ipv4.conf.all.arp_ignore=1'])
  for (const n of targets) {
    const [link] = JSON.parse(ipIn(names.nodeNs(n), '-j', 'link', 'show', 'dev', names.nodeIface(n)))
    ipIn(host, 'neigh', 'replace', names.addr(n), 'lladdr', link.address, 'dev', names.hostIface(1), 'nud', 'permanent')
  }
}

describe('E12 malformed and foreign traffic', () => {
  it('no crash, no term or leader change, every frame counted as malformed or foreign, other traffic unaffected', async (t) => {
    const cluster = await startCluster({nodes: 3, hosts: 1})
    await started(cluster)
    const leader = await cluster.waitForLeader(10 * cluster.roundMs)
    const {names} = cluster
    const spoofed = cluster.nodes.find((n) => n !== leader.leader)!
    const targets = cluster.nodes.filter((n) => n !== spoofed)
    spoofFrom(cluster, spoofed, targets)
    const echo = spawn('nsenter', [`--net=/run/netns/${names.nodeNs(targets[0]!)}`, process.execPath, TOOL, 'echo', String(ECHO_PORT)], {stdio: ['ignore', 'pipe', 'inherit']})
    try {
      await once(echo.stdout!, 'data')
      const pids = cluster.nodes.map((n) => cluster.pid(n))
      const before = targets.map((n) => cluster.stats(n))
      const payloads = badPayloads(names.addr(spoofed), names.hostAddr(1), spoofed)
      const rounds = 20
      const frames = Array.from({length: rounds}, () => targets.flatMap((n) =>
        payloads.map((p) => ({to: names.addr(n), port: CLUSTER_RAFT_PORT, hex: p.hex, from: p.from})))).flat()
      toolIn(names.hostNs(1), 'send', JSON.stringify(frames))
      const probe = JSON.parse(toolIn(names.hostNs(1), 'probe', names.addr(targets[0]!), String(ECHO_PORT)))
      assert.deepEqual(probe, {udp: true, tcp: true}, 'UDP and TCP to another port of a node still work')
      await cluster.hold(5 * cluster.roundMs)
      for (const [i, n] of targets.entries()) {
        const d = statsDelta(before[i]!, cluster.stats(n))
        const want = (c: string) => rounds * payloads.filter((p) => p.counter === c).length
        t.diagnostic(`n${n}: malformed +${d.malformed}, foreign +${d.foreign}, passed +${d.passed}`)
        assert.equal(d.malformed, want('malformed'), `n${n} counted every malformed frame`)
        assert.equal(d.foreign, want('foreign'), `n${n} counted every foreign frame`)
      }
      const stale = cluster.log.filter((e) => e.line?.kind === 'stale-message' && e.line.fields.peerId === spoofed).map((e) => e.node)
      assert.deepEqual([...new Set(stale)].sort(), targets, 'the spoofed member\'s stale heartbeats reached the rules and were rejected')
      assert.deepEqual(cluster.nodes.map((n) => cluster.pid(n)), pids, 'no node process died')
      assert.deepEqual(cluster.currentLeader(cluster.nodes), leader, 'same leader, same term')
      cluster.observer.assertSafe()
    } finally {
      echo.kill()
    }
    await stopCluster(cluster)
  })
})
