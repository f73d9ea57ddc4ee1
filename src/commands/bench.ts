import {Flags} from '@oclif/core'
import {requireClusterPrivileges} from '../cluster/live.js'
import {benchPreflight} from '../bench/preflight.js'
import {FULL_PLAN, QUICK_PLAN} from '../bench/plan.js'
import {progressBar} from '../bench/progress.js'
import {renderReport, shortenedError, writeArtifacts} from '../bench/report.js'
import type {BenchReport} from '../bench/results.js'
import {expectedDurationMs, runBench} from '../bench/runner.js'
import {RaftctlCommand} from '../render/command-base.js'

/** `raftctl bench --json`: the report, every raw sample included (also written to bench.json). */
export type BenchResult = BenchReport

/** `raftctl bench`: XDP vs userspace vs etcd on namespace clusters of this machine. */
export default class Bench extends RaftctlCommand {
  static summary = 'Measure heartbeat round trips, elections, failover and stability: XDP vs userspace vs etcd.'
  static description = 'Builds namespace clusters on this machine (as `cluster up` does) and measures, in one run, heartbeat round trips idle and under CPU saturation, the minimal XDP echo floor, vote round trips, election and failover times after crash-simulate and kill -9 at 3-9 nodes, spurious leader changes, and a follower\'s CPU per 1000 heartbeats; etcd 3.4 runs the failover and stability figures side by side. Writes bench.json (raw samples), bench.md (the tables) and SVG charts to --out. See BENCHMARKS.md for what each number means.'
  static examples = [
    {description: 'Every figure, briefly (under 2 minutes).', command: '<%= config.bin %> <%= command.id %> --quick'},
    {description: 'The full run behind BENCHMARKS.md.', command: '<%= config.bin %> <%= command.id %> --out docs/bench'},
  ]
  static enableJsonFlag = true
  static flags = {
    quick: Flags.boolean({char: 'q', description: 'Run every measurement with few samples (under 2 minutes).'}),
    out: Flags.string({char: 'o', description: 'Directory for bench.json, bench.md and the SVG charts.', default: 'bench-results'}),
  }

  async run(): Promise<BenchResult> {
    const {flags} = await this.parse(Bench)
    requireClusterPrivileges()
    const plan = flags.quick ? QUICK_PLAN : FULL_PLAN
    for (const warning of benchPreflight(plan, flags.out)) this.warn(warning)
    process.stderr.write(`raftctl bench${plan.quick ? ' --quick' : ''}: expected to take about ${Math.ceil(expectedDurationMs(plan) / 60_000)} min\n`) // also under --json
    const bar = progressBar()
    const report = await runBench(plan, `raftctl bench${plan.quick ? ' --quick' : ''}`, bar.update)
      .catch((error) => Promise.reject(shortenedError(error, flags.out))).finally(() => bar.stop())
    const written = writeArtifacts(report, flags.out)
    if (!this.jsonEnabled()) this.log(`${renderReport(report)}\nwritten: ${written.join(', ')}`)
    return report
  }
}
