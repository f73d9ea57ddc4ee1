/**
 * End to end on the wire: node 1's XDP program answers a VoteRequest sent by a plain UDP socket
 * in the other namespace, and the socket receives the XDP-built VoteResponse (Raft §5.2: a
 * first request in a term is granted). Generic and native mode.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {pathToFileURL} from 'node:url'
import {join} from 'node:path'
import {createVethPair, execIn, type VethPair} from '../netns/veth-pair.js'
import {ROOT, attachPassProgram, jsonOf, raftctl} from './cli.js'

const CLUSTER_ID = 7
const ECHO = 0x1234_5678_9abc_def0n
const moduleUrl = (path: string) => pathToFileURL(join(ROOT, 'dist', 'src', path)).href

/** Makes the attached program node 1 of 3 with the peer as node 2, through the pinned maps. */
const configureNode = `
import {RaftMaps} from '${moduleUrl('dataplane/xdp/maps.js')}'
const [iface, selfAddr, peerAddr] = process.argv.slice(1)
const maps = RaftMaps.openPinned(iface)
maps.writeConfig({nodeId: 1, clusterSize: 3, selfIndex: 0, selfAddr, electionTimeoutMinNs: 150_000_000n})
maps.writePeers([{addr: peerAddr, nodeId: 2, index: 1, voter: true}])
maps.close()`

/** Sends node 2's VoteRequest for term 1 until a reply arrives, and prints the decoded reply. */
const requestVote = `
import dgram from 'node:dgram'
import {decodeMessage, encodeMessage} from '${moduleUrl('dataplane/wire.js')}'
const [bindAddr, target, port, clusterId, echo] = process.argv.slice(1)
const socket = dgram.createSocket('udp4')
const request = encodeMessage({type: 'VoteRequest', flag: false, clusterId: Number(clusterId), senderId: 2, term: 1n, echo: BigInt(echo)})
const give_up = setTimeout(() => { console.error('no reply within 5 s'); process.exit(1) }, 5000)
let retry
socket.on('message', (msg, from) => {
  const reply = decodeMessage(msg)
  console.log(JSON.stringify({from: from.address + ':' + from.port, reply}, (_, v) => typeof v === 'bigint' ? v.toString() : v))
  clearTimeout(give_up); clearInterval(retry); socket.close()
})
socket.bind(0, bindAddr, () => {
  const send = () => socket.send(request, Number(port), target)
  send()
  retry = setInterval(send, 250)
})`

for (const mode of ['generic', 'native'] as const) {
  describe(`a VoteRequest over UDP is answered by XDP in ${mode} mode`, () => {
    let pair: VethPair

    before(() => {
      pair = createVethPair()
      if (mode === 'native') attachPassProgram(pair.b.netns, pair.b.iface, 'xdpdrv')
      // Locally sent UDP on a veth carries a partial checksum unless tx offload is off.
      execIn(pair.b.netns, 'ethtool', ['-K', pair.b.iface, 'tx', 'off'])
      const attach = raftctl(['attach', '-i', pair.a.iface, '--mode', mode, '--cluster-id', String(CLUSTER_ID)], {netns: pair.a.netns})
      assert.equal(attach.status, 0, attach.stderr)
      execIn(pair.a.netns, process.execPath, ['--input-type=module', '-e', configureNode, pair.a.iface, pair.a.addr, pair.b.addr])
    })

    after(() => {
      if (pair) raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns})
      pair?.destroy()
    })

    it('the socket receives a granted VoteResponse for term 1 from node 1 with the echo copied', () => {
      const out = execIn(pair.b.netns, process.execPath, ['--input-type=module', '-e', requestVote,
        pair.b.addr, pair.a.addr, '5405', String(CLUSTER_ID), ECHO.toString()])
      const {from, reply} = JSON.parse(out) as {from: string; reply: Record<string, unknown>}
      assert.equal(from, `${pair.a.addr}:5405`)
      assert.deepEqual(reply, {type: 'VoteResponse', flag: true, clusterId: CLUSTER_ID, senderId: 1, term: '1', echo: ECHO.toString()})
    })

    it('the node now shows term 1 and its vote for node 2', () => {
      const [row] = jsonOf<{node: {term: string; votedFor: number; role: string}}[]>(
        raftctl(['status', '-i', pair.a.iface, '--json'], {netns: pair.a.netns}))
      assert.deepEqual(row.node, {...row.node, term: '1', votedFor: 2, role: 'follower'})
      const peers = raftctl(['maps', 'dump', 'raft_peers', '-i', pair.a.iface], {netns: pair.a.netns})
      assert.equal(peers.status, 0, peers.stderr)
      assert.ok(peers.stdout.includes(pair.b.addr), `peer address dotted in:\n${peers.stdout}`)
      const stats = jsonOf<{maps: {entries: Record<string, string>[]}[]}>(
        raftctl(['maps', 'dump', 'raft_stats', '-i', pair.a.iface, '--json'], {netns: pair.a.netns}))
      assert.ok(Number(stats.maps[0].entries[0].tx) >= 1, JSON.stringify(stats))
    })
  })
}
