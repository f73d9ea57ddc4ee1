/**
 * Environment errors of attach and friends: one line saying what failed and how to fix it,
 * non-zero exit, and nothing left behind (no pins, no attachment, the other program intact).
 */
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {after, before, describe, it} from 'node:test'
import {createVethPair, type VethPair} from '../netns/veth-pair.js'
import {attachPassProgram, cliCommand, hasPins, raftctl, xdpOn, type CliRun} from './cli.js'

/** Asserts one `Error: ...` line on stderr matching `message`, nothing on stdout, exit `status`. */
function assertOneLineError(run: CliRun, message: RegExp, status = 1): void {
  assert.equal(run.status, status, `exit ${run.status}; stderr: ${run.stderr}; stdout: ${run.stdout}`)
  assert.equal(run.stdout, '')
  const lines = run.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`)
  assert.match(lines[0], /^Error: /)
  assert.match(lines[0], message)
}

describe('environment errors', () => {
  let pair: VethPair

  before(() => {
    pair = createVethPair()
  })

  after(() => {
    raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns})
    pair.destroy()
  })

  for (const argv of [['attach', '-i', 'lo'], ['detach', '-i', 'lo'], ['status'], ['maps', 'dump', '-i', 'lo']]) {
    it(`${argv[0]} ${argv[1]} as nobody: needs root`, () => {
      const run = raftctl(argv, {asNobody: true})
      assertOneLineError(run, /needs root \(CAP_BPF and CAP_NET_ADMIN\); run it with sudo/)
      assert.equal(hasPins('lo'), false)
    })
  }

  it('no such interface', () => {
    const run = raftctl(['attach', '-i', 'rcnosuch0'])
    assertOneLineError(run, /no such interface rcnosuch0 in this network namespace; list interfaces with: ip link/)
    assert.equal(hasPins('rcnosuch0'), false)
  })

  it('maps dump where nothing is attached names the interface and says how to attach', () => {
    const run = raftctl(['maps', 'dump', '-i', pair.a.iface], {netns: pair.a.netns})
    assertOneLineError(run, new RegExp(`raftctl is not attached to ${pair.a.iface} .*run: raftctl attach --iface ${pair.a.iface}`))
  })

  it('maps dump without --iface: a hint to attach when nothing is, a choice when several are', () => {
    const none = raftctl(['maps', 'dump'], {netns: pair.a.netns})
    assertOneLineError(none, /raftctl is not attached to any interface here; attach it with: raftctl attach --iface <name>/)
    const second = `${pair.a.iface}x`
    execFileSync('ip', ['-n', pair.a.netns, 'link', 'add', second, 'type', 'veth', 'peer', 'name', `${pair.a.iface}y`])
    try {
      for (const iface of [pair.a.iface, second]) {
        assert.equal(raftctl(['attach', '-i', iface, '--mode', 'generic'], {netns: pair.a.netns}).status, 0)
      }
      const several = raftctl(['maps', 'dump'], {netns: pair.a.netns})
      assertOneLineError(several, new RegExp(`attached to several interfaces \\(${pair.a.iface}, ${second}\\); choose one with --iface`), 2)
    } finally {
      for (const iface of [pair.a.iface, second]) raftctl(['detach', '-i', iface], {netns: pair.a.netns})
    }
    assert.equal(hasPins(second), false)
  })

  it('status of an interface that does not exist', () => {
    assertOneLineError(raftctl(['status', '-i', 'rcnosuch0']), /no such interface rcnosuch0 in this network namespace; list interfaces with: ip link/)
  })

  for (const command of ['attach', 'status', 'run']) {
    it(`bpffs not mounted (as under ip netns exec): ${command} refuses, before anything is loaded`, () => {
      const args = command === 'attach' ? ['attach', '-i', pair.a.iface, '--mode', 'generic']
        : command === 'run' ? ['run', '-i', pair.a.iface, '--peers', pair.a.addr] : [command]
      const argv = cliCommand(args, {netns: pair.a.netns})
      const [nsenter, netArg, ...cli] = argv
      const script = `mount -t tmpfs none /sys/fs/bpf && exec "$@"`
      const result = spawnSync(nsenter, [netArg, 'unshare', '-m', 'sh', '-c', script, 'sh', ...cli], {encoding: 'utf8'})
      assertOneLineError({status: result.status, stdout: result.stdout, stderr: result.stderr},
        /bpffs is not mounted at \/sys\/fs\/bpf; mount it with: mount -t bpf bpf \/sys\/fs\/bpf .*nsenter --net=\/run\/netns\/NAME instead/)
      assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0)
      assert.equal(hasPins(pair.a.iface), false)
    })
  }

  it('another XDP program attached: refused naming it, left in place; --force replaces it', () => {
    const other = attachPassProgram(pair.a.netns, pair.a.iface, 'xdpgeneric')
    const refused = raftctl(['attach', '-i', pair.a.iface], {netns: pair.a.netns})
    assertOneLineError(refused, new RegExp(`another XDP program is attached to ${pair.a.iface} \\(id ${other} "cli_test_pass", generic mode\\); pass --force`))
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, other)
    assert.equal(hasPins(pair.a.iface), false)

    const forced = raftctl(['attach', '-i', pair.a.iface, '--mode', 'generic', '--force', '--json'], {netns: pair.a.netns})
    assert.equal(forced.status, 0, forced.stderr)
    const result = JSON.parse(forced.stdout) as {programId: number; mode: string}
    assert.notEqual(result.programId, other)
    assert.deepEqual(xdpOn(pair.a.netns, pair.a.iface), {id: result.programId, mode: 'generic'})
    assert.equal(hasPins(pair.a.iface), true)

    const detached = raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns})
    assert.equal(detached.status, 0, detached.stderr)
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0)
    assert.equal(hasPins(pair.a.iface), false)
  })
})
