/**
 * `raftctl cluster up` and `cluster down` spawned as a user runs them (bin/run.js): a scripted
 * run with --duration and a crash every second, and what a SIGKILLed `cluster up` leaves: its
 * nodes die with it (parent-death signal), `cluster down` removes the rest; `cluster down` of a live
 * cluster stops its `cluster up`, which tears it down itself.
 * Each uses its own --name, so it never touches the `rc` cluster of a demo.
 */
import assert from 'node:assert/strict'
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {removeCluster} from '../../src/cluster/cleanup.js'
import {clusterNames, uniqueClusterName, type ClusterNames} from '../../src/cluster/names.js'
import {namespacePids} from '../../src/cluster/shell.js'
import {packageRoot} from '../../src/package-root.js'
import {waitFor} from '../helpers/waiting.js'
import {leftovers, running} from './leftovers.js'

const RUN = join(packageRoot(), 'bin', 'run.js')

describe('raftctl cluster up/down', () => {
  it('up --duration elects, crashes the leader, re-elects, tears down, and reports it as JSON', async () => {
    const name = uniqueClusterName('c')
    try {
      const result = spawnSync(process.execPath, [RUN, 'cluster', 'up', '--name', name, '--nodes', '3', '--crash-every', '2s', '--duration', '7s', '--json'],
        {encoding: 'utf8', timeout: 60_000})
      assert.equal(result.status, 0, result.stderr)
      const summary = JSON.parse(result.stdout)
      assert.deepEqual(summary.violations, [])
      assert.ok(summary.crashes >= 2, `crashed ${summary.crashes} times`)
      assert.ok(summary.leaders.length >= 3, `leaders: ${JSON.stringify(summary.leaders)}`)
      assert.deepEqual(leftovers(clusterNames(name)), [])
    } finally {
      await removeCluster(clusterNames(name))
    }
  })

  it('--duration that ends during a crash tears down at once, and the crash left unfinished is not an error', async () => {
    // a crash every 3 s lasts 1 s: the one at 3 s is under way when the 3.5 s run ends
    const name = uniqueClusterName('c')
    try {
      const result = spawnSync(process.execPath, [RUN, 'cluster', 'up', '--name', name, '--crash-every', '3s', '--duration', '3500ms'],
        {encoding: 'utf8', timeout: 60_000})
      assert.equal(result.status, 0, result.stderr)
      const lines = result.stdout.trimEnd().split('\n')
      assert.ok(lines.some((l) => /crashing leader n\d/.test(l)), result.stdout)
      assert.match(lines.at(-1)!, /removed 4 namespaces and 3 pin directories$/, 'nothing after the teardown')
      assert.doesNotMatch(result.stdout + result.stderr, /crash of n\d failed/)
    } finally {
      await removeCluster(clusterNames(name))
    }
  })

  it('SIGTERM while up is still building, and a second Ctrl-C while it tears down, leave nothing', async () => {
    // the run dir appears first when building starts; the second SIGINT comes 50 ms into teardown
    const building = (names: ClusterNames) => waitFor('the build to start', () => existsSync(names.runDir), 30_000)
    const running = (names: ClusterNames) => waitFor('the nodes to run', () => namespacePids(names.nodeNs(3)).length > 0, 30_000)
    const plans: Array<[(names: ClusterNames) => Promise<void>, NodeJS.Signals[]]> = [[building, ['SIGTERM']], [running, ['SIGINT', 'SIGINT']]]
    for (const [moment, signals] of plans) {
      const names = clusterNames(uniqueClusterName('c'))
      const up = spawn(process.execPath, [RUN, 'cluster', 'up', '--name', names.name, '--nodes', '3'], {stdio: 'ignore'})
      try {
        await moment(names)
        for (const signal of signals) {
          up.kill(signal)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        const [code] = up.exitCode === null ? await once(up, 'exit') : [up.exitCode]
        assert.equal(code, 0, `up exited with ${code} after ${signals.join(', ')}`)
        assert.deepEqual(leftovers(names), [])
      } finally {
        up.kill('SIGKILL')
        await removeCluster(names)
      }
    }
  })

  it('a SIGKILLed up takes its nodes with it; down --stale removes the rest and leaves a live cluster alone; down --name stops the live one\'s up', async () => {
    const [killed, live] = [uniqueClusterName('c'), uniqueClusterName('c')]
    const [up, other] = [killed, live].map((name) => spawn(process.execPath, [RUN, 'cluster', 'up', '--name', name, '--nodes', '3'],
      {stdio: ['ignore', 'pipe', 'inherit']}))
    const names = clusterNames(killed)
    try {
      await Promise.all([up, other].map((child) => waitForLeader(child)))
      const nodePids = [1, 2, 3].flatMap((i) => namespacePids(names.nodeNs(i)))
      assert.ok(nodePids.length >= 3, `processes in the node namespaces: ${nodePids.join(' ')}`)
      up.kill('SIGKILL')
      await once(up, 'exit')
      await waitFor('the nodes to die with up', () => !nodePids.some(running), 5000)
      const left = leftovers(names)
      assert.ok(left.length >= 4, `up left only ${left.join(', ')}`)
      const down = spawnSync(process.execPath, [RUN, 'cluster', 'down', '--stale', '--json'], {encoding: 'utf8', timeout: 60_000})
      assert.equal(down.status, 0, down.stderr)
      const removed = JSON.parse(down.stdout) as Array<{name: string; namespaces: string[]; pinDirs: string[]; processes: number[]}>
      assert.ok(!removed.some((r) => r.name === live), `removed the live cluster ${live}`)
      const report = removed.find((r) => r.name === killed)
      assert.ok(report, `did not remove ${killed}: ${down.stdout}`)
      assert.equal(report.namespaces.length, 4)
      assert.equal(report.pinDirs.length, 3, 'the xdp nodes\' pin dirs')
      assert.deepEqual(leftovers(names), [])
      assert.ok(leftovers(clusterNames(live)).length >= 4, 'the live cluster is still there')
      const again = spawnSync(process.execPath, [RUN, 'cluster', 'down', '--name', killed], {encoding: 'utf8'})
      assert.match(again.stdout, new RegExp(`no cluster ${killed} to remove`))

      // the live one's up is asked to stop: it tears down as after Ctrl-C and exits 0
      let told = ''
      other.stdout!.on('data', (chunk) => (told += chunk))
      const exited = once(other, 'exit')
      const stop = spawnSync(process.execPath, [RUN, 'cluster', 'down', '--name', live], {encoding: 'utf8', timeout: 60_000})
      assert.equal(stop.status, 0, stop.stderr)
      assert.match(stop.stdout, new RegExp(`stopped the owner of cluster ${live} \\(pid ${other.pid}\\), which tore it down`))
      assert.deepEqual(await exited, [0, null], `up's output after down:\n${told}`)
      assert.match(told, /tearing down/)
      assert.doesNotMatch(told, /exited by itself/)
      assert.deepEqual(leftovers(clusterNames(live)), [])
    } finally {
      up.kill('SIGKILL')
      other.kill('SIGKILL')
      await removeCluster(names)
      await removeCluster(clusterNames(live))
    }
  })
})

/** Waits until `cluster up` has printed a leader. */
async function waitForLeader(up: ChildProcess): Promise<void> {
  let out = ''
  up.stdout!.on('data', (chunk) => (out += chunk))
  while (!/leader: n\d/.test(out)) await once(up.stdout!, 'data')
}
