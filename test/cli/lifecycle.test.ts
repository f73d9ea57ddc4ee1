/**
 * attach -> status -> maps dump -> detach on a real veth, in generic and in native mode, run
 * inside the namespace with nsenter: the mode reported is the one in force, attach and detach
 * are idempotent, maps are decoded by BTF names, and detach leaves nothing behind.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {once} from 'node:events'
import {setTimeout} from 'node:timers/promises'
import {after, before, describe, it} from 'node:test'
import {createVethPair, type VethPair} from '../netns/veth-pair.js'
import {MAX_PEERS} from '../../src/dataplane/xdp/maps.js'
import {attachPassProgram, pinDir, cliCommand, cliEnv, hasPins, jsonOf, raftctl, xdpOn} from './cli.js'

type Row = Record<string, string | number | boolean>
interface DumpJson {iface: string; maps: {name: string; type: string; maxEntries: number; entries?: Row[]}[]}

for (const mode of ['generic', 'native'] as const) {
  describe(`raftctl on a veth in ${mode} mode`, () => {
    let pair: VethPair
    const cli = (...argv: string[]) => raftctl(argv, {netns: pair.a.netns})

    before(() => {
      pair = createVethPair()
      // Native XDP_TX on a veth needs an XDP program on the peer to receive the bounced frame.
      if (mode === 'native') attachPassProgram(pair.b.netns, pair.b.iface, 'xdpdrv')
    })

    after(() => {
      if (pair) cli('detach', '-i', pair.a.iface)
      pair?.destroy()
    })

    it('attach reports what it did, with the mode in force', () => {
      const run = cli('attach', '-i', pair.a.iface, '--mode', mode, '--port', '5405', '--cluster-id', '7')
      assert.equal(run.status, 0, run.stderr)
      assert.match(run.stdout, new RegExp(`attached raftctl to ${pair.a.iface} in ${mode} mode`))
      for (const text of ['program id', 'tag', '5405', pinDir(pair.a.netns, pair.a.iface)]) assert.ok(run.stdout.includes(text), text)
      assert.equal(xdpOn(pair.a.netns, pair.a.iface).mode, mode)
      assert.equal(hasPins(pair.a.iface), true)
      if (mode === 'native') assert.match(run.stderr, /^Warning: native XDP_TX on a veth/)
      else assert.equal(run.stderr, '')
    })

    it('attach again with the same settings is idempotent', () => {
      const before = xdpOn(pair.a.netns, pair.a.iface).id
      const run = cli('attach', '-i', pair.a.iface, '--mode', mode, '--cluster-id', '7', '--json')
      assert.equal(run.status, 0, run.stderr)
      const result = jsonOf<{alreadyAttached: boolean; programId: number; mode: string; clusterId: number}>(run)
      assert.deepEqual([result.alreadyAttached, result.programId, result.mode, result.clusterId], [true, before, mode, 7])
      const text = cli('attach', '-i', pair.a.iface, '--mode', mode, '--cluster-id', '7')
      assert.match(text.stdout, /already attached/)
      assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, before)
    })

    it('status shows the attachment and the node view', () => {
      const text = cli('status')
      assert.equal(text.status, 0, text.stderr)
      for (const field of [pair.a.iface, 'raft_xdp', mode, 'raftctl', 'yes', 'cluster id', 'votedFor', 'follower', 'crashed']) {
        assert.ok(text.stdout.includes(field), `${field} missing from:\n${text.stdout}`)
      }
      const [row] = jsonOf<Row[]>(cli('status', '-i', pair.a.iface, '--json'))
      assert.deepEqual([row.iface, row.mode, row.raftctl, row.programName, row.port, row.clusterId],
        [pair.a.iface, mode, true, 'raft_xdp', 5405, 7])
      assert.deepEqual((row as unknown as {node: Row}).node.role, 'follower')
    })

    it('maps dump shows every map by BTF field names', () => {
      const run = cli('maps', 'dump')
      assert.equal(run.status, 0, run.stderr)
      for (const text of ['raft_state', 'raft_config', 'raft_peers', 'raft_events (ringbuf, 256 KiB)', 'raft_stats',
        'hard.f.term', 'hard.f.voted_for', 'hard.f.role', 'RAFT_FOLLOWER', 'timer_reset_ktime_ns', 'never', 'node_id', 'malformed']) {
        assert.ok(run.stdout.includes(text), `${text} missing from:\n${run.stdout}`)
      }
      assert.ok(!run.stdout.includes('hard.word'), 'the union shows its fields, not the raw word')
      assert.ok(!run.stdout.includes('\x1b['), 'no escape codes into a pipe')
    })

    it('maps dump --json has the decoded entries, bigints as strings', () => {
      const dump = jsonOf<DumpJson>(cli('maps', 'dump', '--json'))
      assert.equal(dump.iface, pair.a.iface)
      assert.deepEqual(dump.maps.map((m) => m.name), ['raft_state', 'raft_config', 'raft_peers', 'raft_events', 'raft_stats'])
      const byName = Object.fromEntries(dump.maps.map((m) => [m.name, m]))
      assert.deepEqual(byName.raft_state.entries?.[0], {key: 0, 'hard.f.term': '0', 'hard.f.voted_for': 0, 'hard.f.role': 'RAFT_FOLLOWER',
        'tally.f.voters': 0, 'tally.f.term': '0', timer_reset_ktime_ns: '0', leader_heard_ktime_ns: '0', leader_term: '0', leader_id: 0, crashed: 0})
      assert.deepEqual(byName.raft_peers.entries, [])
      assert.equal(byName.raft_peers.maxEntries, MAX_PEERS, 'the learner limit assumes this size')
      assert.equal(byName.raft_events.type, 'ringbuf')
      assert.equal(byName.raft_events.entries, undefined)
      assert.equal(typeof byName.raft_stats.entries?.[0].rx, 'string')
      const only = jsonOf<DumpJson>(cli('maps', 'dump', 'raft_config', '-i', pair.a.iface, '--json'))
      assert.deepEqual(only.maps.map((m) => m.name), ['raft_config'])
    })

    it('maps dump --watch prints successive snapshots into a pipe until Ctrl-C', async () => {
      const [command, ...args] = cliCommand(['maps', 'dump', 'raft_stats', '--watch', '--interval', '200ms'], {netns: pair.a.netns})
      const child = spawn(command, args, {env: cliEnv()})
      let stdout = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      await setTimeout(2500)
      child.kill('SIGINT')
      const [code] = await once(child, 'exit')
      assert.equal(code, 0)
      assert.ok(stdout.split('\n').filter((l) => l.startsWith('--- ')).length >= 3, stdout)
      assert.ok(!stdout.includes('\x1b['), 'no screen clearing into a pipe')
    })

    it('bpftool pretty-prints the pinned state with field names (BTF)', () => {
      const out = execFileSync('bpftool', ['map', 'dump', 'pinned', `${pinDir(pair.a.netns, pair.a.iface)}/raft_state`], {encoding: 'utf8'})
      for (const field of ['"term"', '"voted_for"', '"role"', '"timer_reset_ktime_ns"']) assert.ok(out.includes(field), `${field} in ${out}`)
    })

    it('detach removes the attachment and pins, and again is a no-op', () => {
      const run = cli('detach', '-i', pair.a.iface)
      assert.equal(run.status, 0, run.stderr)
      assert.match(run.stdout, new RegExp(`detached raftctl from ${pair.a.iface}`))
      assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0)
      assert.equal(hasPins(pair.a.iface), false)
      const again = cli('detach', '-i', pair.a.iface)
      assert.equal(again.status, 0, again.stderr)
      assert.equal(again.stdout.trim(), `nothing attached to ${pair.a.iface}`)
    })
  })
}
