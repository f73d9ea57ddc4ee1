/**
 * One `raftctl bench` run: the plan's measurements in order, one at a time (they would disturb
 * each other), with progress against each step's expected duration.
 */
import {cpus, release, totalmem} from 'node:os'
import {monotonicMs} from '../dataplane/userspace.js'
import {etcdAvailable} from './etcd.js'
import {measureEtcdFailovers, measureFailovers, measureFloor, measureHeartbeats, measureStability, type Advance} from './measure.js'
import {PROFILES, type BenchPlan} from './plan.js'
import type {BenchReport} from './results.js'
import {destroyOnInterrupt} from './teardown.js'

/** Where the run is: the step, and the fraction of the whole run's expected time done. */
export interface BenchProgress {
  step: string
  fraction: number
}

interface Step {
  label: string
  /** What this step is expected to take, ms (node start-up, crashes and windows counted roughly). */
  expectedMs: number
  run(report: BenchReport, advance: Advance): Promise<void>
}

/** Expected time of a failover: the crash or the restart of a node, then agreement again. */
const TRIAL_MS = {raftctl: 800, etcd: 700}
/** Building a cluster and starting its nodes. */
const SETUP_MS = 4_000

function steps(plan: BenchPlan, etcd: boolean): Step[] {
  const sampleMs = (followers: number) => SETUP_MS + (plan.heartbeatSamples / followers) * plan.sampleHeartbeatMs * 1.3
  const list: Step[] = []
  for (const system of ['xdp', 'userspace'] as const) {
    list.push({label: `heartbeat round trips, ${system}`, expectedMs: 2 * sampleMs(2),
      run: async (r, advance) => void r.heartbeat.push(...await measureHeartbeats(plan, system, advance))})
  }
  list.push({label: 'minimal XDP echo (floor)', expectedMs: sampleMs(1), run: async (r, advance) => void (r.floor = await measureFloor(plan, advance))})
  for (const nodes of plan.sizes) for (const system of ['xdp', 'userspace'] as const) {
    list.push({label: `failovers, ${system}, ${nodes} nodes`, expectedMs: SETUP_MS + 2 * plan.failoverTrials * TRIAL_MS.raftctl,
      run: async (r, advance) => void r.failover.push(...await measureFailovers(plan, system, nodes, advance))})
  }
  if (etcd) for (const members of plan.etcdSizes) {
    list.push({label: `failovers, etcd, ${members} members`, expectedMs: SETUP_MS + plan.etcdFailoverTrials * TRIAL_MS.etcd,
      run: async (r, advance) => void r.failover.push(await measureEtcdFailovers(plan, members, advance))})
  }
  for (const profile of plan.stabilityProfiles) for (const nodes of plan.stabilitySizes) {
    list.push({label: `stability, ${profile.name} timeouts, ${nodes} nodes`, expectedMs: SETUP_MS + 2 * plan.stabilityWindowMs + 2_000,
      run: async (r, advance) => void r.stability.push(...await measureStability(plan, profile, nodes, etcd, advance))})
  }
  return list
}

/** How long the plan is expected to take, ms. */
export function expectedDurationMs(plan: BenchPlan): number {
  return steps(plan, etcdAvailable() !== undefined).reduce((sum, s) => sum + s.expectedMs, 0)
}

/** Runs every step of the plan; etcd's steps only when etcd is installed. */
export async function runBench(plan: BenchPlan, command: string, onProgress: (p: BenchProgress) => void): Promise<BenchReport> {
  const etcdVersion = etcdAvailable()
  const list = steps(plan, etcdVersion !== undefined)
  const totalMs = list.reduce((sum, s) => sum + s.expectedMs, 0)
  const startedMs = monotonicMs()
  const report: BenchReport = {
    meta: {date: new Date().toISOString(), command, quick: plan.quick, durationMs: 0,
      machine: {cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30),
        kernel: release(), node: process.version, ...(etcdVersion ? {etcd: etcdVersion} : {})},
      profiles: [PROFILES.default, PROFILES.aggressive]},
    heartbeat: [], floor: {summary: {count: 0, min: NaN, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN}, samples: []},
    failover: [], stability: [],
  }
  let doneMs = 0
  const stopWatching = destroyOnInterrupt()
  try {
    for (const step of list) {
      const advance: Advance = (f) => onProgress({step: step.label, fraction: (doneMs + Math.min(1, f) * step.expectedMs) / totalMs})
      advance(0)
      try {
        await step.run(report, advance)
      } catch (error) {
        throw new Error(`${step.label}: ${(error as Error).message}`, {cause: error})
      }
      doneMs += step.expectedMs
    }
  } finally {
    stopWatching()
  }
  onProgress({step: 'done', fraction: 1})
  report.meta.durationMs = Math.round(monotonicMs() - startedMs)
  return report
}
