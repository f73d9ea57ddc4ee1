/** The targets, computed from one run's figures as ratios (never asserted: measured). */
import type {BenchReport, FailoverResult, HeartbeatResult} from './results.js'
import {ratio} from './stats.js'

/** One headline figure and the target it is held against. */
export interface Headline {
  name: string
  value: number | undefined
  /** How to print the value: a ratio ("7.2x"), ms, or a count. */
  unit: 'x' | 'ms' | 'count'
  target: string
  met: boolean | undefined
}

function heartbeat(r: BenchReport, system: HeartbeatResult['system'], load: HeartbeatResult['load']) {
  return r.heartbeat.find((h) => h.system === system && h.load === load)?.rtt.summary
}

function failover(r: BenchReport, system: FailoverResult['system'], nodes: number, method: FailoverResult['method'] = 'kill-9') {
  return r.failover.find((f) => f.system === system && f.nodes === nodes && f.method === method)?.failover.summary
}

function check(value: number | undefined, ok: (v: number) => boolean): boolean | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : ok(value)
}

/** The headline ratios and targets of the issue, from the report's smallest cluster. */
export function headlines(r: BenchReport): Headline[] {
  const nodes = Math.min(...r.failover.map((f) => f.nodes))
  const idleP50 = ratio(heartbeat(r, 'userspace', 'idle')?.p50 ?? NaN, heartbeat(r, 'xdp', 'idle')?.p50 ?? NaN)
  const loadedP99 = ratio(heartbeat(r, 'userspace', 'saturated')?.p99 ?? NaN, heartbeat(r, 'xdp', 'saturated')?.p99 ?? NaN)
  const floor = ratio(heartbeat(r, 'xdp', 'idle')?.p50 ?? NaN, r.floor.summary.p50)
  const xdp = failover(r, 'xdp', nodes)
  const etcd = failover(r, 'etcd', nodes)
  const vsEtcd = ratio(etcd?.p50 ?? NaN, xdp?.p50 ?? NaN)
  const spurious = r.stability.filter((s) => s.system === 'xdp' && s.profile === 'aggressive' && s.load === 'saturated')
  const spuriousCount = spurious.length ? spurious.reduce((sum, s) => sum + s.leaderChanges, 0) : undefined
  return [
    {name: 'heartbeat p50, userspace / xdp (idle)', value: idleP50, unit: 'x', target: '>= 5x', met: check(idleP50, (v) => v >= 5)},
    {name: 'heartbeat p99, userspace / xdp (saturated)', value: loadedP99, unit: 'x', target: '>= 20x', met: check(loadedP99, (v) => v >= 20)},
    {name: 'heartbeat p50, xdp / minimal XDP echo', value: floor, unit: 'x', target: '<= 1.5x', met: check(floor, (v) => v <= 1.5)},
    {name: `failover p50, xdp, kill -9, ${nodes} nodes`, value: xdp?.p50, unit: 'ms', target: '< 50 ms', met: check(xdp?.p50, (v) => v < 50)},
    {name: `failover p99, xdp, kill -9, ${nodes} nodes`, value: xdp?.p99, unit: 'ms', target: '< 150 ms', met: check(xdp?.p99, (v) => v < 150)},
    {name: `failover p50, etcd / xdp, kill -9, ${nodes} nodes`, value: vsEtcd, unit: 'x', target: '> 1x', met: check(vsEtcd, (v) => v > 1)},
    {name: 'spurious leader changes, xdp, aggressive, saturated', value: spuriousCount, unit: 'count', target: '0', met: check(spuriousCount, (v) => v === 0)},
  ]
}
