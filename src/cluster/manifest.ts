/**
 * A running cluster's manifest (<run dir>/cluster.json): who runs it and what each node is, so
 * `raftctl cluster status` can find the nodes' API relays and `cluster up` can tell a live
 * cluster from the leftovers of a crashed one.
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/** What cluster.json holds. */
export interface ClusterManifest {
  name: string
  /** The process running the cluster (`cluster up` or a test). */
  ownerPid: number
  nodes: Array<{node: number; netns: string; iface: string; addr: string; dataplane: string; apiSocket: string}>
}

/**
 * Creates the run directory with the manifest in it, whole or not at all (`cluster down --stale`
 * takes a run dir without one for a leftover). Harnesses call it before building anything else.
 */
export function writeManifest(runDir: string, manifest: ClusterManifest): void {
  mkdirSync(runDir, {recursive: true})
  const file = join(runDir, 'cluster.json')
  writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2) + '\n')
  renameSync(`${file}.tmp`, file)
}

/** Reads a manifest, undefined when there is none. */
export function readManifest(runDir: string): ClusterManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'cluster.json'), 'utf8')) as ClusterManifest
  } catch {
    return undefined
  }
}

/** Whether the manifest's owner is still running (a zombie, killed but not yet reaped, is not). */
export function ownerAlive(manifest: ClusterManifest): boolean {
  try {
    const stat = readFileSync(`/proc/${manifest.ownerPid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
