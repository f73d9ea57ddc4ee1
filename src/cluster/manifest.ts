/**
 * A running cluster's manifest (<run dir>/cluster.json): who runs it and what each node is, so
 * `raftctl cluster status` can find the nodes' API relays and `cluster up` and `cluster down
 * --stale` can tell a live cluster from the leftovers of a crashed one.
 */
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {procStatFields} from '../proc-stat.js'

/** What cluster.json holds. */
export interface ClusterManifest {
  name: string
  /** The process running the cluster (`cluster up`, `bench` or a test). */
  ownerPid: number
  /** Its start time (/proc/PID/stat, clock ticks after boot), so a reused pid is not taken for it. */
  ownerStart?: number
  nodes: Array<{node: number; netns: string; iface: string; addr: string; dataplane: string; apiSocket: string}>
}

/** The manifest of a cluster this process owns. */
export function ownManifest(name: string, nodes: ClusterManifest['nodes']): ClusterManifest {
  return {name, ownerPid: process.pid, ownerStart: processStart(process.pid), nodes}
}

/**
 * Creates the run directory with the manifest already in it (built aside, then renamed into
 * place), so a run dir without one is a leftover. Harnesses call it before building anything else.
 */
export function writeManifest(runDir: string, manifest: ClusterManifest): void {
  const text = JSON.stringify(manifest, null, 2) + '\n'
  const aside = join(dirname(runDir), `.${manifest.name}.${process.pid}`)
  mkdirSync(aside, {recursive: true})
  writeFileSync(join(aside, 'cluster.json'), text)
  try {
    renameSync(aside, runDir)
  } catch {
    rmSync(aside, {recursive: true, force: true}) // the run dir exists already: write into it
    writeFileSync(join(runDir, 'cluster.json.tmp'), text)
    renameSync(join(runDir, 'cluster.json.tmp'), join(runDir, 'cluster.json'))
  }
}

/** Reads a manifest, undefined when there is none. */
export function readManifest(runDir: string): ClusterManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'cluster.json'), 'utf8')) as ClusterManifest
  } catch {
    return undefined
  }
}

/** Whether the manifest's owner is still running (a zombie, or another process with its pid, is not). */
export function ownerAlive(manifest: ClusterManifest): boolean {
  const start = processStart(manifest.ownerPid, true)
  return start !== undefined && (manifest.ownerStart === undefined || manifest.ownerStart === start)
}

/** A process's start time in clock ticks after boot; undefined when it is gone (or, if asked, a zombie). */
function processStart(pid: number, livingOnly = false): number | undefined {
  try {
    const fields = procStatFields(`/proc/${pid}/stat`)
    if (livingOnly && fields[0] === 'Z') return undefined
    return Number(fields[19]) // field 22
  } catch {
    return undefined
  }
}
