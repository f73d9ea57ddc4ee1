/** A run's figures as terminal tables, and as the files written next to each other: JSON and SVG charts. */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {RaftctlError} from '../errors.js'
import {gridTable} from '../render/table.js'
import {cdfChart, latencyChart, type ChartSeries} from './charts.js'
import {headlines, type Headline} from './headlines.js'
import type {BenchReport, Distribution, FailoverResult} from './results.js'
import {formatMs, formatRatio} from './stats.js'

const ms = (d: Distribution | undefined, key: 'p50' | 'p99' | 'max') => (d && d.summary.count ? formatMs(d.summary[key]) : '-')

function headlineValue(h: Headline): string {
  if (h.value === undefined || Number.isNaN(h.value)) return '-'
  return h.unit === 'x' ? formatRatio(h.value) : h.unit === 'ms' ? formatMs(h.value) : String(h.value)
}

/** A table: its heading row and its rows. */
interface Section {
  head: string[]
  rows: Array<Array<string | number>>
}

/** Every figure as tables, headline ratios last. */
function sections(r: BenchReport): Section[] {
  const heartbeat = {head: ['heartbeat round trip', 'load', 'p50', 'p99', 'max', 'samples', 'follower CPU / 1000 heartbeats'], rows: [
    ...r.heartbeat.map((h) => [h.system, h.load, ms(h.rtt, 'p50'), ms(h.rtt, 'p99'), ms(h.rtt, 'max'), h.rtt.summary.count,
      Number.isNaN(h.cpuMsPer1000Heartbeats) ? '-' : `${h.cpuMsPer1000Heartbeats.toFixed(1)} ms`]),
    ['minimal XDP echo', 'idle', ms(r.floor, 'p50'), ms(r.floor, 'p99'), ms(r.floor, 'max'), r.floor.summary.count, '-'],
  ]}
  const failover = {head: ['failover', 'crash', 'nodes', 'p50', 'p99', 'max', 'election p50', 'all acked p50', 'vote RTT p50', 'crashes'],
    rows: r.failover.map((f) => [f.system, f.method, f.nodes, ms(f.failover, 'p50'), ms(f.failover, 'p99'), ms(f.failover, 'max'),
      ms(f.election, 'p50'), ms(f.allAcked, 'p50'), ms(f.voteRtt, 'p50'), f.failover.summary.count])}
  const stability = {head: ['leader changes (no crash)', 'timeouts', 'load', 'nodes', 'window', 'changes'],
    rows: r.stability.map((s) => [s.system, s.profile, s.load, s.nodes, `${s.windowMs / 1000} s`, s.leaderChanges])}
  const targets = {head: ['headline', 'measured', 'target', 'met'],
    rows: headlines(r).map((h) => [h.name, headlineValue(h), h.target, h.met === undefined ? '-' : h.met ? 'yes' : 'no'])}
  return [heartbeat, failover, stability, targets]
}

/** The report as terminal tables. */
export function renderReport(r: BenchReport): string {
  return sections(r).map((s) => gridTable(s.head, s.rows)).join('\n')
}

/** The report as Markdown tables (bench.md), for BENCHMARKS.md. */
export function renderMarkdown(r: BenchReport): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`
  return sections(r).map((s) => [line(s.head), line(s.head.map(() => '---')), ...s.rows.map(line)].join('\n')).join('\n\n') + '\n'
}

/** One series per system for a failover method and size, for the CDF charts. */
function failoverSeries(r: BenchReport, method: FailoverResult['method'], nodes: number): ChartSeries[] {
  return r.failover.filter((f) => f.nodes === nodes && f.method === method).map((f) => ({name: f.system, samples: f.failover.samples}))
}

/** Writes bench.json (every raw sample), bench.md (the tables) and the SVG charts into `dir`; returns the paths written. */
export function writeArtifacts(r: BenchReport, dir: string): string[] {
  mkdirSync(dir, {recursive: true})
  rmSync(join(dir, ERROR_LOG), {force: true}) // an earlier failed run's
  const rtt = (load: 'idle' | 'saturated') => r.heartbeat.filter((h) => h.load === load).map((h) => ({name: h.system, samples: h.rtt.samples}))
  const nodes = Math.min(...r.failover.map((f) => f.nodes))
  const files: Record<string, string> = {
    'bench.json': JSON.stringify(r),
    'bench.md': renderMarkdown(r),
    'heartbeat-idle.svg': latencyChart({title: 'Heartbeat round trip, idle', series: [...rtt('idle'), {name: 'minimal XDP echo', samples: r.floor.samples}]}),
    'heartbeat-saturated.svg': latencyChart({title: 'Heartbeat round trip, every core saturated', series: rtt('saturated')}),
    'vote-rtt.svg': latencyChart({title: `Vote round trip (candidacy -> counted vote), ${nodes} nodes`,
      series: r.failover.filter((f) => f.nodes === nodes && f.voteRtt).map((f) => ({name: `${f.system} ${f.method}`, samples: f.voteRtt!.samples}))}),
    'failover-kill-9.svg': cdfChart({title: `Failover after kill -9 of the leader, ${nodes} nodes`, series: failoverSeries(r, 'kill-9', nodes)}),
    'failover-crash-simulate.svg': cdfChart({title: `Failover after crash-simulate of the leader, ${nodes} nodes`,
      series: failoverSeries(r, 'crash-simulate', nodes)}),
  }
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  })
}

const ERROR_LOG = 'bench-error.log'

/**
 * A failed run's error in one line: the lines after the first (the nodes' last log lines) go to
 * bench-error.log in `dir`, which the line names. The exit code stays the error's.
 */
export function shortenedError(error: unknown, dir: string): Error {
  const original = error instanceof Error ? error : new Error(String(error))
  const [first, ...detail] = original.message.split('\n').filter((line) => line.trim())
  if (detail.length === 0) return original
  try {
    mkdirSync(dir, {recursive: true})
    const path = join(dir, ERROR_LOG)
    writeFileSync(path, `${first}\n${detail.join('\n')}\n`)
    const exitCode = original instanceof RaftctlError ? original.exitCode : undefined
    return new RaftctlError(`${first} (the last log lines are in ${path})`, {cause: original, exitCode})
  } catch {
    return original
  }
}
