/**
 * `raftctl run` as a function: build the cluster layout, the dataplane, the state file, the
 * runtime, its log and API; run until SIGINT/SIGTERM (then stop cleanly) or a fatal error (then
 * stop and throw it, so the command prints one line and exits non-zero).
 */
import {readdirSync} from 'node:fs'
import {setPriority} from 'node:os'
import type {ApiServer} from '../api/server.js'
import type {Dataplane, DataplaneOptions} from '../dataplane/dataplane.js'
import {UserspaceDataplane} from '../dataplane/userspace.js'
import {XdpDataplane} from '../dataplane/xdp.js'
import {requireInterface} from '../dataplane/xdp/program.js'
import type {XdpMode} from '../bpf/index.js'
import {RaftctlError} from '../errors.js'
import {attachLogger, type LogFormat} from './logger.js'
import {parsePeers, resolveLayout} from './peers.js'
import {NodeRuntime} from './runtime.js'
import {StateFile, defaultStateDir} from './state-file.js'

/** Everything `raftctl run` is told. */
export interface RunNodeOptions {
  iface: string
  /** --peers as given: comma-separated IPv4 addresses; ids are positions 1..N. */
  peers: string
  /** This node's position in --peers (1-based); default: the member whose address is on iface. */
  id?: number
  heartbeatMs: number
  electionTimeoutMs: {min: number; max: number}
  dataplane: 'xdp' | 'userspace'
  mode: XdpMode
  port: number
  clusterId: number
  api?: {host: string; port: number}
  /** Default /var/lib/raftctl/[netns-<name>/]<iface>. */
  stateDir?: string
  logFormat: LogFormat
  crashAfterHeartbeats?: number
  /** Scheduling niceness, -20..19; default: left as inherited. */
  nice?: number
}

/** Where the log goes and which signals stop the node (tests pass their own). */
export interface RunNodeIo {
  write: (line: string) => void
  signals: NodeJS.EventEmitter
  /** The log's stream: when it breaks (EPIPE: the reader is gone) the node stops as on SIGTERM. */
  output?: NodeJS.EventEmitter
}

const STDIO: RunNodeIo = {write: (line) => process.stdout.write(`${line}\n`), signals: process, output: process.stdout}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** Usage error unless the election timeout range is non-empty and above the heartbeat interval. */
export function checkTiming(heartbeatMs: number, electionTimeoutMs: {min: number; max: number}): void {
  const {min, max} = electionTimeoutMs
  if (min <= heartbeatMs) {
    throw new RaftctlError(`--election-timeout-ms minimum (${min}) must exceed --heartbeat-ms (${heartbeatMs}), ` +
      'or followers time out between heartbeats; 3 to 10 times the interval is usual', {exitCode: 2})
  }
  if (max < min) throw new RaftctlError(`--election-timeout-ms ${min}-${max} is an empty range; give MIN-MAX with MIN <= MAX`, {exitCode: 2})
}

/**
 * Sets the niceness of every thread of this process before the node starts: Linux keeps one per
 * thread (setpriority on a thread id), and threads started later (the ring buffer's reader)
 * inherit the main thread's.
 */
function renice(nice: number): void {
  try {
    for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), nice)
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {info?: {code?: string}}
    const code = e.info?.code ?? e.code ?? String(error)
    throw new RaftctlError(`cannot set --nice ${nice} (${code}): a value below 0 needs root or CAP_SYS_NICE; run as root or leave --nice out`, {cause: error})
  }
}

/** Builds the runtime `run` describes (validated; nothing started yet). */
export function buildRuntime(o: RunNodeOptions): NodeRuntime {
  checkTiming(o.heartbeatMs, o.electionTimeoutMs)
  requireInterface(o.iface) // before anything is written: a typo must not leave a state file behind
  const {self, members} = resolveLayout(parsePeers(o.peers), {iface: o.iface, id: o.id})
  const common: DataplaneOptions = {iface: o.iface, self, members, learners: [], port: o.port, clusterId: o.clusterId}
  const dataplane: Dataplane = o.dataplane === 'xdp' ? new XdpDataplane({...common, mode: o.mode, electionTimeoutMinMs: o.electionTimeoutMs.min}) : new UserspaceDataplane(common)
  return new NodeRuntime({
    dataplane, self, members,
    heartbeatIntervalMs: o.heartbeatMs,
    electionTimeoutMinMs: o.electionTimeoutMs.min,
    electionTimeoutMaxMs: o.electionTimeoutMs.max,
    durable: new StateFile(o.stateDir ?? defaultStateDir(o.iface), self.id),
    crashAfterHeartbeats: o.crashAfterHeartbeats,
  })
}

/** The HTTP API (src/api), loaded only when asked for: fastify alone takes most of a second to load. */
function apiModule(): Promise<typeof import('../api/server.js')> {
  return import('../api/server.js')
}

/** Runs a node until a stop signal (resolves) or a fatal error (rejects, with everything stopped). */
export async function runNode(o: RunNodeOptions, io: RunNodeIo = STDIO): Promise<void> {
  const runtime = buildRuntime(o)
  if (o.nice !== undefined) renice(o.nice)
  let stopRequested!: () => void
  const signalled = new Promise<void>((resolve) => (stopRequested = resolve))
  // Listening from the start: a signal during attach stops the node once it is whole, never half-attached.
  for (const signal of STOP_SIGNALS) io.signals.on(signal, stopRequested)
  io.output?.on('error', stopRequested)
  const detachLogger = attachLogger(runtime, {format: o.logFormat, write: io.write})
  let api: ApiServer | undefined
  try {
    if (o.api) await (await apiModule()).checkApiAddress(o.api) // before attaching: a bad --api leaves nothing behind
    await runtime.start()
    if (o.api) api = await (await apiModule()).startApiServer(runtime, o.api)
    await Promise.race([signalled, runtime.stopped])
  } finally {
    await api?.close()
    await runtime.stop()
    detachLogger()
    // Only now: a second signal while stopping (Ctrl-C twice, `timeout`) must not kill the node
    // half-detached, and the last lines may still hit a broken pipe.
    for (const signal of STOP_SIGNALS) io.signals.off(signal, stopRequested)
    io.output?.off('error', stopRequested)
  }
  await runtime.stopped
}
