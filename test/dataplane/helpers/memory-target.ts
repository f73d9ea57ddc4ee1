/**
 * The in-memory fake as a conformance target: a NodeRuntime over a MemoryDataplane (userspace
 * style, or playing the kernel) on a MemoryNetwork with real timers, its NDJSON log collected
 * in memory, and two wire-level peers. A "kill -9" stops the runtime without anything extra; in
 * kernel style the hard state survives it like pinned maps do.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MemoryDataplane, MemoryNetwork} from '../../../src/dataplane/memory.js'
import {decodeMessage, encodeMessage} from '../../../src/dataplane/wire.js'
import {attachLogger} from '../../../src/node/logger.js'
import {NodeRuntime} from '../../../src/node/runtime.js'
import {StateFile} from '../../../src/node/state-file.js'
import {MemoryHardStateStore} from '../../../src/raft/index.js'
import type {LogLine, NodeSide, PeerSide, Received, Target} from './sides.js'

const CLUSTER_ID = 7
const MEMBERS = [{id: 1, addr: '10.0.0.1'}, {id: 2, addr: '10.0.0.2'}, {id: 3, addr: '10.0.0.3'}]

/** The memory fake, userspace style or playing the XDP program. */
export async function memoryTarget(kernel: boolean): Promise<Target> {
  const network = new MemoryNetwork({latencyMs: 0.1})
  const stateDir = mkdtempSync(join(tmpdir(), 'raftctl-mem-'))
  const pinned = new MemoryHardStateStore()
  const received: Received[] = []
  const endpoints = MEMBERS.slice(1).map((peer, index) => network.listen(peer.addr, (bytes) => {
    const msg = decodeMessage(bytes)
    if (msg) received.push({peer: index, msg, atMs: performance.now()})
  }))
  const acking = new Set<number>()
  // Auto-acks answer from the endpoints' own receive path.
  const peers: PeerSide = {
    send: (peer, m) => endpoints[peer].send(MEMBERS[0].addr, encodeMessage({flag: false, clusterId: CLUSTER_ID,
      senderId: MEMBERS[peer + 1].id, echo: 0n, ...m})),
    async autoAck(peer, on) {
      if (on) acking.add(peer)
      else acking.delete(peer)
    },
    received: () => received,
    async close() {
      for (const endpoint of endpoints) endpoint.close()
    },
  }
  let acked = 0
  const ackTimer = setInterval(() => {
    for (; acked < received.length; acked++) {
      const {peer, msg} = received[acked]
      if (msg.type === 'Heartbeat' && acking.has(peer)) peers.send(peer, {type: 'HeartbeatAck', term: msg.term, flag: true, echo: msg.echo})
    }
  }, 1)

  let runtime: NodeRuntime | undefined
  let lines: LogLine[] = []
  const node: NodeSide = {
    lines: () => lines,
    async start() {
      lines = []
      const mine = lines
      const dataplane = new MemoryDataplane({iface: 'mem0', self: MEMBERS[0], members: MEMBERS, learners: [], port: 5405,
        clusterId: CLUSTER_ID, network, answerInKernel: kernel, store: kernel ? pinned : undefined})
      runtime = new NodeRuntime({dataplane, self: MEMBERS[0], members: MEMBERS, durable: new StateFile(stateDir, 1),
        heartbeatIntervalMs: 50, electionTimeoutMinMs: 1500, electionTimeoutMaxMs: 2000})
      attachLogger(runtime, {format: 'json', write: (line) => mine.push(JSON.parse(line))})
      await runtime.start()
    },
    kill: async () => void (await runtime?.stop()),
    async stop() {
      await runtime?.stop()
      return 0
    },
  }
  return {
    name: `memory fake (${kernel ? 'playing the kernel' : 'userspace style'})`,
    node, peers,
    async cleanup() {
      clearInterval(ackTimer)
      await runtime?.stop()
      await peers.close()
      rmSync(stateDir, {recursive: true, force: true})
    },
  }
}
