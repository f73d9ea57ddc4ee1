/**
 * `raftctl bench --quick` end to end on this machine's kernel and namespaces: every figure of the
 * issue is produced and well-formed (counts as planned, finite positive samples, ordered
 * percentiles), bench.json holds what --json printed, the charts are SVG, and nothing is left
 * behind. Values are not asserted: they are measured (BENCHMARKS.md).
 */
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {QUICK_PLAN} from '../../src/bench/plan.js'
import type {BenchReport, Distribution} from '../../src/bench/results.js'
import {listNamespaces} from '../../src/cluster/shell.js'
import {spawn, spawnSync} from 'node:child_process'
import {once} from 'node:events'
import {setTimeout as sleep} from 'node:timers/promises'
import {cliCommand, cliEnv, jsonOf, raftctl, ROOT, type CliRun} from '../cli/cli.js'

/** A distribution of `count` or more samples (exactly `exact` when given) that are finite, positive and summarised right. */
function assertDistribution(d: Distribution | undefined, what: string, atLeast: number, exact?: number): void {
  assert.ok(d, `${what}: missing`)
  const {summary: s, samples} = d
  if (exact !== undefined) assert.equal(samples.length, exact, `${what}: samples`)
  assert.ok(samples.length >= atLeast, `${what}: ${samples.length} samples, expected >= ${atLeast}`)
  assert.equal(s.count, samples.length, `${what}: count`)
  assert.ok(samples.every((v) => Number.isFinite(v) && v > 0), `${what}: every sample finite and > 0`)
  assert.ok(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max, `${what}: ordered summary ${JSON.stringify(s)}`)
  assert.equal(s.max, Math.max(...samples), `${what}: max`)
}

describe('raftctl bench --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'raftctl-bench-'))
  const namespacesBefore = new Set(listNamespaces())
  let run: CliRun
  let report: BenchReport

  let benchPid = 0

  before(() => {
    const [command, ...args] = cliCommand(['bench', '--quick', '--json', '--out', out])
    const result = spawnSync(command!, args, {cwd: ROOT, encoding: 'utf8', env: cliEnv(), timeout: 5 * 60_000})
    run = {status: result.status, stdout: result.stdout, stderr: result.stderr}
    benchPid = result.pid
    report = jsonOf<BenchReport>(run)
  })
  after(() => rmSync(out, {recursive: true, force: true}))

  it('exits 0, states its expected duration and writes bench.json with what --json printed', () => {
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stderr, /expected to take about \d+ min/)
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')), report)
    assert.equal(report.meta.quick, true)
    assert.ok(report.meta.machine.cpus >= 1 && report.meta.machine.etcd, 'machine and etcd version recorded')
  })

  it('figures 1 and 7: round trips and follower CPU for both dataplanes, idle and saturated', () => {
    assert.deepEqual(report.heartbeat.map((h) => `${h.system}/${h.load}`).sort(),
      ['userspace/idle', 'userspace/saturated', 'xdp/idle', 'xdp/saturated'])
    for (const h of report.heartbeat) {
      assertDistribution(h.rtt, `heartbeat ${h.system} ${h.load}`, QUICK_PLAN.heartbeatSamples)
      assert.ok(h.heartbeats > 0 && h.followerCpuMs >= 0 && Number.isFinite(h.cpuMsPer1000Heartbeats), `cost ${h.system} ${h.load}`)
    }
  })

  it('figure 8: the minimal XDP echo floor', () => {
    assertDistribution(report.floor, 'floor', QUICK_PLAN.heartbeatSamples)
  })

  it('figures 2-5: failover, election, all-acked and vote round trip per dataplane, crash method and size; etcd kill -9', () => {
    const expected = [...QUICK_PLAN.sizes.flatMap((n) => ['xdp', 'userspace'].flatMap((s) => [`${s}/crash-simulate/${n}`, `${s}/kill-9/${n}`])),
      ...QUICK_PLAN.etcdSizes.map((n) => `etcd/kill-9/${n}`)]
    assert.deepEqual(report.failover.map((f) => `${f.system}/${f.method}/${f.nodes}`).sort(), expected.sort())
    for (const f of report.failover) {
      const what = `${f.system} ${f.method} ${f.nodes} nodes`
      const trials = f.system === 'etcd' ? QUICK_PLAN.etcdFailoverTrials : QUICK_PLAN.failoverTrials
      assertDistribution(f.failover, `failover ${what}`, trials, trials)
      if (f.system === 'etcd') continue
      assertDistribution(f.election, `election ${what}`, trials, trials)
      assertDistribution(f.allAcked, `all acked ${what}`, trials, trials)
      assertDistribution(f.voteRtt, `vote round trip ${what}`, trials)
      assert.ok(f.allAcked!.summary.p50 >= f.election!.summary.p50, `${what}: followers ack after the leader is elected`)
    }
  })

  it('figure 6: leader changes of xdp, userspace and etcd in the same windows, idle and saturated', () => {
    assert.equal(report.stability.length, 3 * 2 * QUICK_PLAN.stabilityProfiles.length * QUICK_PLAN.stabilitySizes.length)
    for (const s of report.stability) {
      assert.ok(Number.isInteger(s.leaderChanges) && s.leaderChanges >= 0, `${s.system} ${s.load}: ${s.leaderChanges}`)
      assert.equal(s.windowMs, QUICK_PLAN.stabilityWindowMs)
    }
  })

  it('writes the tables as Markdown (bench.md) and the SVG charts next to bench.json', () => {
    const markdown = readFileSync(join(out, 'bench.md'), 'utf8')
    for (const heading of ['| heartbeat round trip |', '| failover |', '| leader changes (no crash) |', '| headline |']) {
      assert.ok(markdown.includes(heading), `bench.md has ${heading}`)
    }
    for (const name of ['heartbeat-idle', 'heartbeat-saturated', 'vote-rtt', 'failover-kill-9', 'failover-crash-simulate']) {
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8')
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, name)
      assert.match(svg, /<path|<rect/, `${name} draws data`)
    }
  })

  it('leaves no namespace behind', () => {
    // its clusters are named after its pid (names.ts uniqueClusterName); others may run beside it
    const mine = new RegExp(`^[a-z]${benchPid.toString(36)}`)
    const left = listNamespaces().filter((n) => !namespacesBefore.has(n) && mine.test(n))
    assert.deepEqual(left, [])
    assert.ok(existsSync(out))
  })
})

describe('raftctl bench, bad input', () => {
  it('refuses an unknown flag with exit 2 and one line', () => {
    const run = raftctl(['bench', '--bogus'])
    assert.equal(run.status, 2)
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
  })

  it('refuses an --out it cannot write before building anything', () => {
    const before = listNamespaces()
    const run = raftctl(['bench', '--quick', '--out', '/etc/hostname/bench']) // under a file
    assert.equal(run.status, 1)
    assert.equal(run.stderr, 'Error: cannot write the results to /etc/hostname/bench: ENOTDIR; give a writable directory with --out\n')
    assert.deepEqual(listNamespaces(), before)
    // a directory in /proc (Node's recursive mkdir loops there) and one only root's access() believes writable
    for (const [out, code] of [['/proc/raftctl-bench', 'ENOENT'], ['/sys/fs/bpf', 'EPERM']]) {
      const refused = raftctl(['bench', '--quick', '--out', out!], {timeoutMs: 30_000})
      assert.equal(refused.stderr, `Error: cannot write the results to ${out}: ${code}; give a writable directory with --out\n`)
    }
  })

  it('removes its clusters when interrupted with Ctrl-C, and exits 130', async () => {
    const before = new Set(listNamespaces())
    const out = mkdtempSync(join(tmpdir(), 'raftctl-bench-int-'))
    const [command, ...args] = cliCommand(['bench', '--quick', '--out', out])
    const child = spawn(command!, args, {cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    // its clusters are named after its pid (names.ts uniqueClusterName); others may run beside it
    const mine = new RegExp(`^[a-z]${child.pid!.toString(36)}`)
    try {
      const deadline = performance.now() + 60_000
      while (!listNamespaces().some((n) => mine.test(n)) && performance.now() < deadline) await sleep(100)
      await sleep(2_000) // nodes started, sampling under way
      const exited = once(child, 'exit')
      child.kill('SIGINT')
      const [code] = await exited
      assert.equal(code, 130, stderr)
      assert.match(stderr, /SIGINT: removing the benchmark's clusters/)
      assert.deepEqual(listNamespaces().filter((n) => !before.has(n) && mine.test(n)), [])
    } finally {
      child.kill('SIGKILL')
      rmSync(out, {recursive: true, force: true})
    }
  })
})
