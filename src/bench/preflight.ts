/** What `raftctl bench` needs before it builds anything: a place for its files, stress-ng, and etcd for its side of the figures. */
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {RaftctlError} from '../errors.js'
import {etcdAvailable} from './etcd.js'
import {stressAvailable} from './load.js'
import type {BenchPlan} from './plan.js'

/**
 * Throws when a measurement cannot run or its results could not be written to `outDir` (better
 * now than after the run); returns warnings for figures that will be missing.
 */
export function benchPreflight(plan: BenchPlan, outDir: string): string[] {
  try {
    // recursive only when the parent is missing too: Node 20 loops forever on ENOENT in /proc
    if (!existsSync(outDir)) mkdirSync(outDir, {recursive: !existsSync(dirname(outDir))})
    // root passes access(W_OK) where writes still fail (sysfs): write a file to be sure
    const probe = join(outDir, `.raftctl-bench-${process.pid}`)
    writeFileSync(probe, '')
    rmSync(probe)
  } catch (error) {
    throw new RaftctlError(`cannot write the results to ${outDir}: ${(error as NodeJS.ErrnoException).code ?? error}; give a writable directory with --out`)
  }
  if (!stressAvailable()) throw new RaftctlError('stress-ng is not installed: run `make deps` (or apt-get install stress-ng) and try again')
  if (etcdAvailable() !== undefined) return []
  const missing = plan.quick ? 'etcd' : 'etcd (the reference the full run compares against)'
  return [`${missing} is not installed: its figures are left out; run \`make deps\` to install etcd-server and etcd-client`]
}
