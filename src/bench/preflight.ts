/** What `raftctl bench` needs before it builds anything: a place for its files, stress-ng, and etcd for its side of the figures. */
import {accessSync, constants, mkdirSync} from 'node:fs'
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
    mkdirSync(outDir, {recursive: true})
    accessSync(outDir, constants.W_OK)
  } catch (error) {
    throw new RaftctlError(`cannot write the results to ${outDir}: ${(error as NodeJS.ErrnoException).code ?? error}; give a writable directory with --out`)
  }
  if (!stressAvailable()) throw new RaftctlError('stress-ng is not installed: run `make deps` (or apt-get install stress-ng) and try again')
  if (etcdAvailable() !== undefined) return []
  const missing = plan.quick ? 'etcd' : 'etcd (the reference the full run compares against)'
  return [`${missing} is not installed: its figures are left out; run \`make deps\` to install etcd-server and etcd-client`]
}
