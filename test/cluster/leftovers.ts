/** What a cluster leaves on the machine, found by its name: for asserting that cleanup was complete. */
import {existsSync, readdirSync} from 'node:fs'
import type {ClusterNames} from '../../src/cluster/names.js'
import {PIN_BASE} from '../../src/dataplane/xdp/pins.js'
import {listNamespaces} from '../../src/cluster/shell.js'

/** Every namespace, pin directory, run and scratch directory of the cluster that still exists. */
export function leftovers(names: ClusterNames): string[] {
  const namespaces = listNamespaces().filter((ns) => names.ownsNamespace(ns))
  const pins = existsSync(PIN_BASE) ? readdirSync(PIN_BASE).filter((d) => d.startsWith('netns-') && names.ownsNamespace(d.slice(6))) : []
  return [...namespaces, ...pins, ...[names.runDir, names.scratchDir].filter((dir) => existsSync(dir))]
}

/** Whether a process is still running. */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
