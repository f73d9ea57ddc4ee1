/**
 * `raftctl cluster up` as a session: builds the cluster, streams the merged log, shows the view
 * on demand (v or Enter on a terminal; at each leader change otherwise), crashes the leader
 * every so often through its API so that re-elections can be watched, and tears everything
 * down at the end of --duration, on q, Ctrl-C or SIGTERM.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import {requireBpffs} from '../dataplane/xdp/pins.js'
import {requireRoot} from '../dataplane/xdp/program.js'
import {RaftctlError} from '../errors.js'
import {removeCluster} from './cleanup.js'
import {Cluster, ClusterGoneError, type ClusterOptions} from './cluster.js'
import {ownerAlive, readManifest} from './manifest.js'
import {clusterNames} from './names.js'
import {formatEntry, formatNote} from './render.js'
import {clusterView, renderView} from './view.js'

/** What `cluster up` is asked for. */
export interface LiveOptions extends Pick<ClusterOptions, 'nodes' | 'dataplane' | 'heartbeatMs' | 'electionTimeoutMs'> {
  name: string
  crashEveryMs?: number
  durationMs?: number
  /** Where lines go (stdout). */
  print: (text: string) => void
}

/** What a session saw, for --json. */
export interface LiveSummary {
  name: string
  nodes: number
  leaders: Array<{term: string; leader: number}>
  crashes: number
  violations: string[]
  /** Nodes whose process exited by itself (start-up errors, crashes). */
  exited: number[]
}

/** Root (namespaces, XDP) and a mounted bpffs (pins), or one clear error saying how to get them. */
export function requireClusterPrivileges(): void {
  requireRoot('cluster up')
  requireBpffs()
}

/** Refuses when a live process owns the name; removes the leftovers of a crashed one. */
export async function clearLeftovers(name: string, print: (text: string) => void): Promise<void> {
  const names = clusterNames(name)
  const manifest = readManifest(names.runDir)
  if (manifest && manifest.ownerPid !== process.pid && ownerAlive(manifest)) {
    throw new RaftctlError(`cluster ${name} is already up (pid ${manifest.ownerPid}); stop it there or run: raftctl cluster down --name ${name}`)
  }
  const report = await removeCluster(names)
  if (report.namespaces.length + report.pinDirs.length > 0) print(formatNote(`removed leftovers of an earlier cluster ${name}: ${report.namespaces.join(', ')}`))
}

/** Runs the session to its end and tears the cluster down, whatever happened. */
export async function runLive(options: LiveOptions): Promise<LiveSummary> {
  const {print} = options
  // listening before anything is built: a signal while building, or a second one while tearing
  // down, must not end the process by the default action with the cluster half there
  const stop = stopSignal()
  try {
    await clearLeftovers(options.name, print)
    const cluster = await Cluster.create({...options, onEntry: (entry) => print(formatEntry(entry))})
    return await runCluster(cluster, options, stop)
  } finally {
    stop.release()
  }
}

/** The session on a built cluster: start, watch (and crash) until `stop`, then tear down. */
async function runCluster(cluster: Cluster, options: LiveOptions, stop: StopSignal): Promise<LiveSummary> {
  const {print} = options
  stop.arm(options.durationMs)
  const showView = async () => print(renderView(await clusterView(cluster.nodes.map((n) => ({node: n, addr: cluster.names.addr(n),
    dataplane: cluster.dataplanes[n - 1]!, apiSocket: cluster.names.apiSocket(n), fallback: cluster.view(n)})))))
  const keys = onKeys({v: showView, '\r': showView, q: stop.trigger, '\u0003': stop.trigger})
  let crashes = 0
  try {
    const {min, max} = cluster.electionTimeoutMs
    print(formatNote(`cluster ${options.name}: ${cluster.nodes.length} node${cluster.nodes.length === 1 ? '' : 's'} (${cluster.dataplanes.join(', ')}) on ` +
      `${cluster.names.addr(0)}/24, heartbeat ${cluster.heartbeatMs} ms, election timeout ${min}-${max} ms; ` +
      (process.stdin.isTTY ? 'v or Enter: view, q or Ctrl-C: stop' : 'Ctrl-C: stop')))
    cluster.start()
    cluster.observer.onViolation((v) => print(formatNote(`SAFETY VIOLATION: ${v}`)))
    const watcher = watchLeaders(cluster, print, process.stdout.isTTY ? undefined : showView, stop)
    const crasher = options.crashEveryMs ? crashLoop(cluster, options.crashEveryMs, print, stop.stopped, () => crashes++) : undefined
    await stop.stopped
    await Promise.all([watcher, crasher])
    await showView()
  } finally {
    keys()
    print(formatNote('tearing down'))
    const report = await cluster.destroy()
    print(formatNote(`removed ${report.namespaces.length} namespaces and ${report.pinDirs.length} pin directories`))
  }
  return {name: options.name, nodes: options.nodes, crashes, violations: cluster.observer.violations, exited: cluster.nodes.filter((n) => cluster.failed(n)),
    leaders: cluster.observer.leaderHistory().map((l) => ({term: String(l.term), leader: l.leader}))}
}

/**
 * Announces each new agreed leader (and calls `onChange`, e.g. the view in a pipe); stops the
 * session when every node has exited by itself, as nothing is left to watch.
 */
async function watchLeaders(cluster: Cluster, print: (t: string) => void, onChange: (() => Promise<void>) | undefined,
  stop: {stopped: Promise<void>; trigger: () => void}): Promise<void> {
  let done = false
  void stop.stopped.then(() => (done = true))
  let last = ''
  const startedAt = performance.now()
  while (!done) {
    if (cluster.nodes.every((n) => cluster.failed(n))) {
      print(formatNote('every node exited by itself; stopping (see their errors above)'))
      stop.trigger()
      return
    }
    const agreed = cluster.currentLeader()
    const key = agreed ? `${agreed.leader}/${agreed.term}` : ''
    if (agreed && key !== last) {
      last = key
      print(formatNote(`leader: n${agreed.leader} in term ${agreed.term} (${((performance.now() - startedAt) / 1000).toFixed(2)} s since start)`))
      await onChange?.()
    }
    await sleep(20)
  }
}

/** Every `everyMs`, crashes the current leader through its API (POST /crash) for up to a second. */
async function crashLoop(cluster: Cluster, everyMs: number, print: (t: string) => void, stopped: Promise<void>, count: () => void): Promise<void> {
  const forMs = Math.min(1000, Math.max(everyMs / 2, cluster.electionTimeoutMs.max * 2))
  for (;;) {
    const woke = await Promise.race([sleep(everyMs).then(() => 'tick'), stopped.then(() => 'stop')])
    if (woke === 'stop') return
    const agreed = cluster.currentLeader()
    if (!agreed) {
      print(formatNote('no agreed leader to crash right now'))
      continue
    }
    print(formatNote(`crashing leader n${agreed.leader} (term ${agreed.term}) for ${forMs} ms`))
    count()
    cluster.crash(agreed.leader, forMs).catch((error: Error) => {
      if (!(error instanceof ClusterGoneError)) print(formatNote(`crash of n${agreed.leader} failed: ${error.message}`))
    })
  }
}

/** The end of a session: SIGINT/SIGTERM (caught until release()), the end of --duration, or trigger(). */
interface StopSignal {
  stopped: Promise<void>
  trigger: () => void
  /** Starts the --duration clock. */
  arm: (durationMs?: number) => void
  /** Stops catching signals; call once everything is torn down. */
  release: () => void
}

function stopSignal(): StopSignal {
  let trigger!: () => void
  const stopped = new Promise<void>((resolve) => (trigger = resolve))
  let timer: NodeJS.Timeout | undefined
  const onSignal = () => trigger()
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  void stopped.then(() => clearTimeout(timer))
  return {
    stopped,
    trigger,
    arm: (durationMs) => void (timer = durationMs ? setTimeout(trigger, durationMs) : undefined),
    release: () => {
      clearTimeout(timer)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}

/** On a terminal, single key presses call their handler; returns the undo. Elsewhere a no-op. */
function onKeys(handlers: Record<string, () => unknown>): () => void {
  const stdin = process.stdin
  if (!stdin.isTTY) return () => undefined
  stdin.setRawMode(true)
  stdin.resume()
  const onData = (data: Buffer) => void handlers[data.toString('utf8')]?.()
  stdin.on('data', onData)
  return () => {
    stdin.off('data', onData)
    stdin.setRawMode(false)
    stdin.pause()
  }
}
