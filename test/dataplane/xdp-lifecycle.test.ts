// The XDP dataplane's attach policy, on a real veth: `run` attaches only when raftctl is not
// attached, SIGTERM takes off only what it attached and keeps the pinned state (the next run
// resumes it), settings that differ from an existing attachment are refused, another XDP program
// is never touched, and a failed start leaves nothing attached or pinned.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {attachPassProgram, jsonOf, pinDir, raftctl, xdpOn} from '../cli/cli.js'
import {createVethPair, type VethPair} from '../netns/veth-pair.js'
import {runIn, startRun} from './helpers/node-run.js'

describe('raftctl run --dataplane xdp: what it attaches and leaves behind', {timeout: 120_000}, () => {
  let pair: VethPair
  let stateDir: string
  let args: (...extra: string[]) => string[]

  before(() => {
    pair = createVethPair(34)
    stateDir = mkdtempSync(join(tmpdir(), 'raftctl-life-'))
    // A one-member cluster: the node elects itself, so there is a term to keep.
    args = (...extra) => ['--iface', pair.a.iface, '--peers', pair.a.addr, '--log-format', 'json', '--state-dir', stateDir,
      '--mode', 'generic', ...extra]
  })

  after(() => {
    pair?.destroy()
    if (pair) rmSync(`/sys/fs/bpf/raftctl/netns-${pair.a.netns}`, {recursive: true, force: true})
    if (stateDir) rmSync(stateDir, {recursive: true, force: true})
  })

  it('attaches when nothing is attached; on SIGTERM detaches it, exits 0 and keeps the pinned term', async () => {
    const run = await startRun(pair.a.netns, args())
    assert.match(String(run.lines[0].message), /generic mode, attached now; seeded the hard state from the state file/)
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).mode, 'generic')
    await waitForLeader(run.lines)
    const [row] = jsonOf<{node: {role: string; leaderId: number}}[]>(raftctl(['status', '-i', pair.a.iface, '--json'], {netns: pair.a.netns}))
    run.kill('SIGTERM')
    assert.equal(await run.exited, 0)
    assert.deepEqual([row.node.role, row.node.leaderId], ['leader', 1], 'status names the leader its own process elected')
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0, 'what run attached must come off')
    assert.ok(existsSync(join(pinDir(pair.a.netns, pair.a.iface), 'raft_state')), 'the pinned hard state is durable state')
  })

  it('a second run resumes the pinned term and vote (a process restart)', async () => {
    const run = await startRun(pair.a.netns, args())
    const started = run.lines[0]
    assert.match(String(started.message), /resumed the pinned hard state/)
    assert.deepEqual([started.term, started.votedFor], ['1', 1])
    run.kill('SIGTERM')
    assert.equal(await run.exited, 0)
  })

  it('leaves a program it found attached (raftctl attach) attached on SIGTERM', async () => {
    const attach = raftctl(['attach', '-i', pair.a.iface, '--mode', 'generic'], {netns: pair.a.netns})
    assert.equal(attach.status, 0, attach.stderr)
    const id = xdpOn(pair.a.netns, pair.a.iface).id
    const run = await startRun(pair.a.netns, args())
    assert.match(String(run.lines[0].message), /found attached/)
    run.kill('SIGTERM')
    assert.equal(await run.exited, 0)
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, id)
  })

  it('refuses an attachment with another port or cluster id in one line, changing nothing', async () => {
    const id = xdpOn(pair.a.netns, pair.a.iface).id
    const fresh = mkdtempSync(join(tmpdir(), 'raftctl-life-refused-'))
    try {
      const run = runIn(pair.a.netns, ['--iface', pair.a.iface, '--peers', pair.a.addr, '--state-dir', fresh, '--port', '6000'])
      assert.equal(await run.exited, 1)
      assert.match(run.stderr(), /^Error: raftctl is attached to \S+ with port 5405 and cluster id 0, not port 6000 and cluster id 0; .*raftctl detach --iface \S+\n$/)
      assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, id)
      assert.deepEqual(readdirSync(fresh), [], 'a refused start writes no state file (its term limit would outlive it)')
    } finally {
      rmSync(fresh, {recursive: true, force: true})
    }
  })

  it('never touches another XDP program', async () => {
    assert.equal(raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns}).status, 0)
    const id = attachPassProgram(pair.a.netns, pair.a.iface, 'xdpgeneric')
    const run = runIn(pair.a.netns, args())
    assert.equal(await run.exited, 1)
    assert.match(run.stderr(), /^Error: another XDP program \(id \d+\) is attached to \S+; remove it with: ip link set dev \S+ xdpgeneric off, or replace it with: raftctl attach --iface \S+ --force\n$/)
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, id)
  })

  it('a start that fails after attaching (the address is not here) leaves nothing attached or pinned', async () => {
    execFileSync('ip', ['-n', pair.a.netns, 'link', 'set', 'dev', pair.a.iface, 'xdpgeneric', 'off'])
    rmSync(`/sys/fs/bpf/raftctl/netns-${pair.a.netns}`, {recursive: true, force: true})
    const run = runIn(pair.a.netns, ['--iface', pair.a.iface, '--peers', `${pair.a.addr},10.99.0.2`, '--id', '2',
      '--log-format', 'json', '--state-dir', join(stateDir, 'n2'), '--mode', 'generic'])
    assert.equal(await run.exited, 1)
    assert.equal(run.stderr(), 'Error: bind the raft socket to 10.99.0.2:5405: 10.99.0.2 is not an address of this machine; ' +
      'check --peers and --id\n')
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0)
    assert.ok(!existsSync(pinDir(pair.a.netns, pair.a.iface)), 'the failed start left pins')
  })
})

/** A one-member cluster elects itself within a few timeouts. */
async function waitForLeader(lines: Array<Record<string, unknown>>): Promise<void> {
  const deadline = Date.now() + 5000
  while (!lines.some((l) => l.kind === 'became-leader')) {
    if (Date.now() > deadline) throw new Error(`no leadership: ${JSON.stringify(lines)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
