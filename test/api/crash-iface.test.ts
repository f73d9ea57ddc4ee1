/**
 * `raftctl crash-simulate --iface` on a real veth in fresh namespaces (root): the crashed flag
 * in the pinned raft_state is set for the duration, as `maps dump` shows, and cleared after,
 * also when the command is interrupted.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import type {CrashSimulateResult} from '../../src/commands/crash-simulate.js'
import {jsonOf, raftctl} from '../cli/cli.js'
import {createVethPair, type VethPair} from '../netns/veth-pair.js'
import {runCli, startCli} from './spawn-cli.js'

interface StateDump {maps: {name: string; entries: {crashed: number}[]}[]}

describe('raftctl crash-simulate --iface on a veth', () => {
  let pair: VethPair
  const inA = (argv: string[]) => ({argv, options: {netns: pair.a.netns}})
  const crashedNow = () => {
    const run = raftctl(['maps', 'dump', 'raft_state', '-i', pair.a.iface, '--json'], {netns: pair.a.netns})
    assert.equal(run.status, 0, run.stderr)
    return jsonOf<StateDump>(run).maps[0].entries[0].crashed
  }

  before(() => {
    pair = createVethPair()
    const run = raftctl(['attach', '-i', pair.a.iface, '--mode', 'generic'], {netns: pair.a.netns})
    assert.equal(run.status, 0, run.stderr)
  })

  after(() => {
    if (pair) raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns})
    pair?.destroy()
  })

  it('sets crashed=1 in raft_state for --for 300ms, then 0', async () => {
    assert.equal(crashedNow(), 0)
    // maps dump --watch redraws every 50 ms from before the crash until after it: CLI start-up
    // takes longer than 300 ms, so a dump started once the crash has begun could miss it.
    const {argv, options} = inA(['maps', 'dump', 'raft_state', '-i', pair.a.iface, '--watch', '--interval', '50ms'])
    const watcher = startCli(argv, options)
    try {
      await watcher.printed(/crashed/)
      const run = await runCli(['crash-simulate', '--iface', pair.a.iface, '--for', '300ms', '--json'], {netns: pair.a.netns})
      assert.equal(run.status, 0, run.stderr)
      const result = jsonOf<CrashSimulateResult>(run)
      assert.deepEqual([result.via, result.target, result.forMs, result.before.role, result.after.role],
        ['iface', pair.a.iface, 300, 'follower', 'follower'])
      assert.ok(result.rejoinedAfterMs >= 300, `${result.rejoinedAfterMs} ms`)
      const frames = (text: string) => text.split(/^--- /m).length - 1
      const framesNow = frames(watcher.stdout())
      await watcher.printed((text) => frames(text) > framesNow) // one frame drawn after the crash
    } finally {
      watcher.child.kill('SIGINT')
      await watcher.done
    }
    const crashedColumn = [...watcher.stdout().matchAll(/│ crashed\s+│ (\d+)/g)].map((m) => Number(m[1]))
    assert.ok(crashedColumn.includes(1), `no frame showed crashed 1:\n${watcher.stdout()}`)
    assert.equal(crashedColumn[0], 0, 'the first frame was before the crash')
    assert.equal(crashedColumn.at(-1), 0, 'the last frame was after it')
    assert.equal(crashedNow(), 0)
  })

  it('says what it did in text, naming the interface and the kernel view', async () => {
    const run = await runCli(['crash-simulate', '--iface', pair.a.iface, '--for', '50ms'], {netns: pair.a.netns})
    assert.equal(run.status, 0, run.stderr)
    const lines = run.stdout.trimEnd().split('\n')
    assert.equal(lines.length, 2, run.stdout)
    assert.match(lines[0], new RegExp(`^n0 was a follower in term 0, leader: no leader known; its XDP program on ${pair.a.iface} drops every raft packet for 50 ms$`))
    assert.match(lines[1], new RegExp(`^the XDP program on ${pair.a.iface} answers again after \\d+ ms; the kernel's view: n0 follower in term 0`))
  })

  it('clears the flag when interrupted, and exits 130', async () => {
    const {argv, options} = inA(['crash-simulate', '--iface', pair.a.iface, '--for', '10s'])
    const crash = startCli(argv, options)
    await crash.printed(/drops every raft packet/)
    assert.equal(crashedNow(), 1)
    crash.child.kill('SIGINT')
    const run = await crash.done
    assert.equal(run.status, 130)
    assert.match(run.stderr, new RegExp(`^Error: interrupted after \\d+ ms; the crashed flag on ${pair.a.iface} is cleared\\n$`))
    assert.equal(crashedNow(), 0)
  })

  it('says raftctl is not attached, in one line, on an interface without pins', async () => {
    const run = await runCli(['crash-simulate', '--iface', pair.b.iface], {netns: pair.b.netns})
    assert.equal(run.status, 1)
    assert.equal(run.stderr, `Error: raftctl is not attached to ${pair.b.iface} (no pinned maps in ` +
      `/sys/fs/bpf/raftctl/netns-${pair.b.netns}/${pair.b.iface}); run: raftctl attach --iface ${pair.b.iface}\n`)
  })
})
