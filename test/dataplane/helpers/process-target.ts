/**
 * The real thing: `raftctl run` (bin/run.js) in namespace A, joined by a veth to namespace B where
 * a wire-peer process owns the two peer addresses. Everything runs under nsenter (bpffs pins work)
 * with names unique to this process; cleanup deletes namespaces, pins and the state directory.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {createInterface} from 'node:readline'
import {packageRoot} from '../../../src/package-root.js'
import {createVethPair, execIn, type VethPair} from '../../netns/veth-pair.js'
import {waitFor} from '../../helpers/waiting.js'
import type {LogLine, NodeSide, Outgoing, PeerSide, Received, Target} from './sides.js'
import type {JsonMessage} from './wire-peer.js'

export const CLUSTER_ID = 7
export const PORT = 5405
/** The compiled wire-peer script beside this file. */
const WIRE_PEER = join(dirname(fileURLToPath(import.meta.url)), 'wire-peer.js')

/** How the node under test runs. */
export interface ProcessTargetOptions {
  dataplane: 'xdp' | 'userspace'
  subnet: number
  heartbeatMs?: number
  electionTimeoutMs?: string
  extraArgs?: string[]
}

/** A child process whose stdout lines are collected; `exited` resolves with its exit code. */
export function spawnLines(argv: string[], onLine: (line: string) => void): {child: ChildProcess; stderr: () => string; exited: Promise<number | null>} {
  const child = spawn(argv[0], argv.slice(1), {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, FORCE_COLOR: '0'}})
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  createInterface({input: child.stdout!}).on('line', onLine)
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return {child, stderr: () => stderr, exited}
}

function toJson(msg: Outgoing): JsonMessage {
  return {...msg, term: String(msg.term), echo: msg.echo === undefined ? undefined : String(msg.echo)}
}

/** The wire-peer process in namespace B. */
async function startPeers(netns: string, peers: Array<{addr: string; id: number}>, nodeAddr: string): Promise<PeerSide> {
  const received: Received[] = []
  let ready = false
  const config = JSON.stringify({peers, port: PORT, clusterId: CLUSTER_ID})
  const proc = spawnLines(['nsenter', `--net=/run/netns/${netns}`, process.execPath, WIRE_PEER, config], (line) => {
    const event = JSON.parse(line)
    if (event.event === 'ready' || event.event === 'ok') ready = true
    if (event.event !== 'rx') return
    const m = event.msg
    received.push({peer: event.peer, atMs: event.atMs, msg: {...m, term: BigInt(m.term), echo: BigInt(m.echo)}})
  })
  await waitFor('the wire peers to bind', () => ready || proc.child.exitCode !== null, 10_000)
  if (!ready) throw new Error(`wire-peer failed: ${proc.stderr()}`)
  const command = (value: unknown) => proc.child.stdin!.write(`${JSON.stringify(value)}\n`)
  return {
    send: (peer, msg) => command({op: 'send', from: peer, to: nodeAddr, msg: toJson(msg)}),
    async autoAck(peer, on) {
      ready = false
      command({op: 'autoAck', peer, on})
      await waitFor('the wire peer to confirm', () => ready)
    },
    received: () => received,
    async close() {
      proc.child.stdin!.end()
      if (proc.child.exitCode === null) await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 2000))])
      proc.child.kill('SIGKILL')
    },
  }
}

/** `raftctl run` in namespace A. */
function nodeProcess(pair: VethPair, stateDir: string, o: ProcessTargetOptions, peers: string[]): NodeSide {
  let current: ReturnType<typeof spawnLines> | undefined
  let lines: LogLine[] = []
  const args = ['run', '--iface', pair.a.iface, '--peers', peers.join(','), '--id', '1', '--dataplane', o.dataplane,
    '--mode', 'generic', '--port', String(PORT), '--cluster-id', String(CLUSTER_ID), '--state-dir', stateDir,
    '--log-format', 'json', '--heartbeat-ms', String(o.heartbeatMs ?? 50), '--election-timeout-ms', o.electionTimeoutMs ?? '1500-2000',
    ...(o.extraArgs ?? [])]
  return {
    lines: () => lines,
    async start() {
      lines = []
      const mine: LogLine[] = lines
      current = spawnLines(['nsenter', `--net=/run/netns/${pair.a.netns}`, process.execPath, join(packageRoot(), 'bin', 'run.js'), ...args],
        (line) => {
          try {
            mine.push(JSON.parse(line))
          } catch {
            mine.push({kind: 'not-json', role: '', term: '', source: '', message: line})
          }
        })
      const proc = current
      await waitFor('the node to start', () => mine.some((l) => l.kind === 'started') || proc.child.exitCode !== null, 20_000)
      if (!mine.some((l) => l.kind === 'started')) throw new Error(`raftctl run exited ${proc.child.exitCode}: ${proc.stderr()}`)
    },
    async kill() {
      current?.child.kill('SIGKILL')
      await current?.exited
    },
    async stop() {
      if (!current || current.child.exitCode !== null) return current?.child.exitCode ?? null
      current.child.kill('SIGTERM')
      return current.exited
    },
  }
}

/** A veth pair, the node in A (10.77.S.1, id 1) and peers n2, n3 in B (10.77.S.2, .3). */
export async function processTarget(o: ProcessTargetOptions): Promise<Target> {
  const pair = createVethPair(o.subnet)
  const stateDir = mkdtempSync(join(tmpdir(), 'raftctl-conf-'))
  const peerAddrs = [pair.b.addr, pair.b.addr.replace(/\.2$/, '.3')]
  let peers: PeerSide | undefined
  let node: NodeSide | undefined
  const cleanup = async () => {
    await node?.kill()
    await peers?.close()
    pair.destroy()
    rmSync(`/sys/fs/bpf/raftctl/netns-${pair.a.netns}`, {recursive: true, force: true})
    rmSync(stateDir, {recursive: true, force: true})
  }
  try {
    execIn(pair.b.netns, 'ip', ['addr', 'add', `${peerAddrs[1]}/24`, 'dev', pair.b.iface])
    // Userspace-sent UDP on a veth carries a partial checksum unless tx offload is off (NOTES.md).
    for (const end of [pair.a, pair.b]) execIn(end.netns, 'ethtool', ['-K', end.iface, 'tx', 'off'])
    peers = await startPeers(pair.b.netns, [{addr: peerAddrs[0], id: 2}, {addr: peerAddrs[1], id: 3}], pair.a.addr)
    node = nodeProcess(pair, stateDir, o, [pair.a.addr, ...peerAddrs])
  } catch (error) {
    await cleanup()
    throw error
  }
  return {name: `${o.dataplane} (raftctl run in a namespace)`, node, peers, cleanup}
}
