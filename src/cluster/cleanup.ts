/**
 * Removes every trace of a cluster found by its name, whether or not the process that made it
 * is still alive: processes inside its namespaces, XDP attachments, the namespaces (and so the
 * bridge, links and fault table), raftctl's pin directories for those namespaces, the run
 * directory and the scratch directory on tmpfs. Safe to run any number of times; `raftctl cluster down` and Cluster.destroy() both
 * end here.
 */
import {existsSync, readdirSync, rmSync, rmdirSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {PIN_BASE} from '../dataplane/xdp/pins.js'
import {ownerAlive, readManifest} from './manifest.js'
import {clusterNames, CLUSTER_NAME, RUN_BASE, SCRATCH_BASE, type ClusterNames} from './names.js'
import {listNamespaces, namespacePids, shOutput, shQuiet} from './shell.js'
import {deleteNamespace, hasClusterBridge} from './topology.js'

/** What a cleanup removed. */
export interface CleanupReport {
  namespaces: string[]
  processes: number[]
  pinDirs: string[]
}

/**
 * The last resort when a harness dies without destroying what it started: at process exit, every
 * pid `pidsOf()` still lists gets SIGKILL, so no node or server outlives its harness.
 */
export function killOnExit(pidsOf: () => number[]): void {
  process.once('exit', () => {
    for (const pid of pidsOf()) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** SIGTERM (a node detaches what it attached), then SIGKILL for whatever is left after `graceMs`. */
async function endProcesses(pids: number[], graceMs: number): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig)
    } catch {
      // already gone
    }
  }
  for (const pid of pids) signal(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (pids.some(alive) && Date.now() < deadline) await sleep(50)
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL')
  while (pids.some(alive) && Date.now() < deadline + 2000) await sleep(20)
}

/** XDP off in both modes on every link of a namespace (`xdp off` alone only detaches native on veth). */
function detachAll(netns: string): void {
  for (const mode of ['xdpgeneric', 'xdpdrv']) {
    for (const iface of interfacesOf(netns)) shQuiet('ip', ['-n', netns, 'link', 'set', 'dev', iface, mode, 'off'])
  }
}

function interfacesOf(netns: string): string[] {
  const out = shOutput('ip', ['-n', netns, '-j', 'link', 'show'])
  try {
    return (JSON.parse(out || '[]') as Array<{ifname: string; xdp?: unknown}>).filter((l) => l.xdp).map((l) => l.ifname)
  } catch {
    return []
  }
}

/**
 * Clusters whose owner is gone, found by what raftctl leaves: run dirs, scratch dirs and switch
 * namespaces holding raftctl's bridge. See isStale.
 */
export function staleClusters(): string[] {
  const dirs = [RUN_BASE, SCRATCH_BASE].flatMap((base) => existsSync(base) ? readdirSync(base) : [])
  const namespaces = listNamespaces()
  const switches = namespaces.flatMap((ns) => /^(.+)-sw$/.exec(ns)?.[1] ?? [])
    .filter((name) => CLUSTER_NAME.test(name) && hasClusterBridge(clusterNames(name)))
  return [...new Set([...dirs, ...switches])].filter((name) => CLUSTER_NAME.test(name) && isStale(clusterNames(name), namespaces)).sort()
}

/**
 * A cluster is stale when its manifest names no running owner (or there is none) and no process
 * runs in its namespaces: a harness's processes die with it (parent-death signal), so one still
 * running means the cluster is someone's, whatever its files say.
 */
export function isStale(names: ClusterNames, namespaces = listNamespaces()): boolean {
  const manifest = readManifest(names.runDir)
  if (manifest && ownerAlive(manifest)) return false
  return !namespaces.some((ns) => names.ownsNamespace(ns) && namespacePids(ns).length > 0)
}

/** The owner of a cluster that `stopOwner` asked to stop, and whether it exited in time. */
export interface OwnerStop {
  pid: number
  exited: boolean
}

/**
 * Asks a cluster's live owner (`cluster up`, `bench`, a test) to stop with SIGTERM, so that it tears
 * the cluster down itself and ends as after Ctrl-C, and waits up to `waitMs` for it to exit.
 * Undefined when no other live process owns the cluster; removeCluster takes whatever is left.
 */
export async function stopOwner(names: ClusterNames, waitMs = 15_000): Promise<OwnerStop | undefined> {
  const manifest = readManifest(names.runDir)
  if (!manifest || manifest.ownerPid === process.pid || !ownerAlive(manifest)) return undefined
  try {
    process.kill(manifest.ownerPid, 'SIGTERM')
  } catch {
    return undefined // exited since
  }
  const deadline = performance.now() + waitMs
  while (ownerAlive(manifest) && performance.now() < deadline) await sleep(50)
  return {pid: manifest.ownerPid, exited: !ownerAlive(manifest)}
}

/** Removes everything of cluster `names`; `pids` adds processes the caller knows of (a crash's orphans). */
export async function removeCluster(names: ClusterNames, pids: number[] = [], graceMs = 2000): Promise<CleanupReport> {
  const namespaces = listNamespaces().filter((ns) => names.ownsNamespace(ns))
  const processes = [...new Set([...pids, ...namespaces.flatMap(namespacePids)])].filter((p) => p !== process.pid)
  await endProcesses(processes, graceMs)
  for (const ns of namespaces) detachAll(ns)
  // nodes and hosts before the switch: a veth pair goes with either end, the bridge last
  for (const ns of namespaces.filter((n) => n !== names.switchNs)) deleteNamespace(ns)
  if (namespaces.includes(names.switchNs)) deleteNamespace(names.switchNs)
  const pinDirs = existsSync(PIN_BASE)
    ? readdirSync(PIN_BASE).filter((d) => d.startsWith('netns-') && names.ownsNamespace(d.slice(6))).map((d) => join(PIN_BASE, d))
    : []
  for (const dir of pinDirs) rmSync(dir, {recursive: true, force: true})
  try {
    rmdirSync(PIN_BASE) // only when no other node of any namespace is pinned
  } catch {
    // not empty, or gone already
  }
  rmSync(names.runDir, {recursive: true, force: true})
  rmSync(names.scratchDir, {recursive: true, force: true})
  try {
    rmdirSync(SCRATCH_BASE) // only when no other cluster has data there
  } catch {
    // not empty, or gone already
  }
  return {namespaces, processes, pinDirs}
}
