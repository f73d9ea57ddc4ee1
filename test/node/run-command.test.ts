// `raftctl run` as a user meets it: help, and one-line errors with exit code 2 for bad input,
// found before anything is attached or bound (spawned bin/run.js, as the other CLI tests do).
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {raftctl} from '../cli/cli.js'
import {StateFile} from '../../src/node/state-file.js'
import {packageRoot} from '../../src/package-root.js'
import {procStatFields} from '../../src/proc-stat.js'
import {waitFor} from '../helpers/waiting.js'
import {pinDir, xdpOn} from '../cli/cli.js'
import {createVethPair, type VethPair} from '../netns/veth-pair.js'

const RUN = join(packageRoot(), 'bin', 'run.js')

describe('raftctl run: help and bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftctl-run-cli-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('--help shows every flag and the examples', () => {
    const run = raftctl(['run', '--help'])
    assert.equal(run.status, 0, run.stderr)
    for (const flag of ['--iface', '--peers', '--id', '--heartbeat-ms', '--election-timeout-ms', '--dataplane', '--mode', '--port',
      '--cluster-id', '--api', '--state-dir', '--log-format', '--nice', '--crash-after-heartbeats', 'EXAMPLES']) {
      assert.ok(run.stdout.includes(flag), `${flag} missing`)
    }
  })

  const base = ['run', '--iface', 'lo', '--dataplane', 'userspace', '--state-dir', dir]
  const cases: Array<[string, string[], RegExp]> = [
    ['a peer that is not an IPv4 address', ['--peers', '10.0.0.1,10.0.0'], /--peers must list IPv4 addresses .* "10\.0\.0" is not one/],
    ['a duplicate peer', ['--peers', '10.0.0.1,10.0.0.1'], /--peers lists 10\.0\.0\.1 twice/],
    ['an --id beyond the list', ['--peers', '10.0.0.1,10.0.0.2', '--id', '3'], /--id 3 names no member/],
    ['no member on the interface', ['--peers', '10.0.0.1,10.0.0.2'], /none of --peers is an address of lo/],
    ['a timeout range that is not one', ['--peers', '127.0.0.1', '--election-timeout-ms', '300-150'], /--election-timeout-ms must be MIN-MAX/],
    ['a timeout not above the heartbeat', ['--peers', '127.0.0.1', '--heartbeat-ms', '200'], /minimum \(150\) must exceed --heartbeat-ms \(200\)/],
    ['a bad API address', ['--peers', '127.0.0.1', '--api', 'localhost:http'], /--api must be HOST:PORT/],
    ['a bad dataplane', ['--peers', '127.0.0.1', '--dataplane', 'dpdk'], /dataplane/],
    ['a niceness out of range', ['--peers', '127.0.0.1', '--nice', '-21'], /--nice must be a whole number from -20 to 19, not "-21"/],
  ]
  for (const [name, args, message] of cases) {
    it(`refuses ${name} in one line with exit code 2`, () => {
      const run = raftctl([...base, ...args])
      assert.equal(run.status, 2, run.stderr)
      assert.match(run.stderr, message)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.equal(run.stdout, '')
    })
  }

  it("refuses another node's state file (votes are recorded by node id)", () => {
    new StateFile(dir, 2).save({term: 3n, votedFor: 2, termLimit: 0n})
    const run = raftctl([...base, '--peers', '127.0.0.1,127.0.0.2', '--id', '1'])
    assert.equal(run.status, 2, run.stderr)
    assert.match(run.stderr, /^Error: the state file .* belongs to node n2, not n1; give this node its own --state-dir/)
  })
})

describe('raftctl run --nice', () => {
  // -0 once crashed the process (Node's setPriority takes only an Int32, and -0 is not one).
  for (const [flag, nice] of [['-7', -7], ['-0', 0]] as const) {
    it(`--nice ${flag} runs the node at niceness ${nice}, every thread (a one-node cluster on loopback leads at once)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'raftctl-run-nice-'))
      const node = spawn(process.execPath, [RUN, 'run', '--iface', 'lo', '--peers', '127.0.0.1', '--dataplane', 'userspace',
        '--port', '47391', '--state-dir', dir, '--nice', flag], {stdio: ['ignore', 'pipe', 'inherit']})
      try {
        let out = ''
        node.stdout!.on('data', (chunk) => (out += chunk))
        await waitFor('the node to lead', () => /became leader|quorum/.test(out), 10_000)
        for (const tid of readdirSync(`/proc/${node.pid}/task`)) {
          assert.equal(Number(procStatFields(`/proc/${node.pid}/task/${tid}/stat`)[16]), nice, `field 19 of /proc/PID/task/${tid}/stat: nice`)
        }
      } finally {
        node.kill('SIGTERM')
        await once(node, 'exit')
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }
})

describe('raftctl run: a start that fails on bad input leaves nothing behind', () => {
  it('an interface that is not here: one line, and no state file written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftctl-run-noiface-'))
    try {
      const run = raftctl(['run', '--iface', 'rcnosuch7', '--peers', '10.0.0.1,10.0.0.2,10.0.0.3', '--id', '1', '--state-dir', dir])
      assert.notEqual(run.status, 0)
      assert.equal(run.stderr, 'Error: no such interface rcnosuch7 in this network namespace; list interfaces with: ip link\n')
      assert.deepEqual(readdirSync(dir), [], 'nothing written to --state-dir')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('an --api address that is not here: one line before anything is attached, pinned or written', () => {
    const pair = createVethPair(42)
    const dir = mkdtempSync(join(tmpdir(), 'raftctl-run-badapi-'))
    try {
      const run = raftctl(['run', '--iface', pair.a.iface, '--peers', `${pair.a.addr},${pair.b.addr}`, '--state-dir', dir,
        '--api', '192.0.2.1:7497'], {netns: pair.a.netns})
      assert.notEqual(run.status, 0)
      assert.equal(run.stdout, '', 'not started: no log line')
      assert.equal(run.stderr, 'Error: cannot listen for the API on 192.0.2.1:7497: EADDRNOTAVAIL; give another address with --api HOST:PORT\n')
      assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0, 'nothing attached')
      assert.equal(existsSync(pinDir(pair.a.netns, pair.a.iface)), false, 'nothing pinned')
      assert.deepEqual(readdirSync(dir), [], 'nothing written to --state-dir')
    } finally {
      raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns})
      pair.destroy()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

/** A started xdp `raftctl run` on a fresh veth pair, with what it printed so far. */
interface XdpNode {
  pair: VethPair
  node: ChildProcess
  exited: Promise<unknown[]>
  out: () => string
  err: () => string
}

/** Runs `body` against an xdp node that has started, then kills it (if need be) and removes everything it left. */
async function withXdpNode(subnet: number, body: (n: XdpNode) => Promise<void>): Promise<void> {
  const pair = createVethPair(subnet)
  const dir = mkdtempSync(join(tmpdir(), 'raftctl-run-xdp-'))
  const node = spawn('nsenter', [`--net=/run/netns/${pair.a.netns}`, process.execPath, RUN, 'run', '--iface', pair.a.iface,
    '--peers', `${pair.a.addr},${pair.b.addr}`, '--state-dir', dir], {stdio: ['ignore', 'pipe', 'pipe']})
  const exited = once(node, 'exit')
  try {
    let out = ''
    let err = ''
    node.stdout!.on('data', (chunk) => (out += chunk))
    node.stderr!.on('data', (chunk) => (err += chunk))
    await waitFor('the node to start', () => /started xdp node/.test(out), 15_000)
    await body({pair, node, exited, out: () => out, err: () => err})
  } finally {
    if (node.exitCode === null && node.signalCode === null) node.kill('SIGKILL')
    await exited
    raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns}) // run leaves its pins for the next run
    pair.destroy()
    rmSync(dir, {recursive: true, force: true})
  }
}

describe('raftctl run: stopping', () => {
  it('a second SIGTERM while it stops does not kill it half-detached', () => withXdpNode(41, async ({pair, node, exited, out}) => {
    assert.ok(xdpOn(pair.a.netns, pair.a.iface).id > 0, 'attached')
    node.kill('SIGTERM')
    await waitFor('the node to begin stopping', () => /stopping/.test(out()), 10_000)
    node.kill('SIGTERM')
    const [code, signal] = await exited
    assert.deepEqual([code, signal], [0, null], out())
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0, 'detached')
  }))

  const underIt: Array<[string, (iface: string) => string[], RegExp]> = [
    ['detached (raftctl detach)', (iface) => ['detach', '-i', iface], /is no longer attached to/],
    ['replaced for another cluster id (attach --force)', (iface) => ['attach', '-i', iface, '--force', '--cluster-id', '9', '--mode', 'generic'],
      /was replaced \(port 5405, cluster id 9, not 5405 and 0\) on/],
  ]
  for (const [how, argv, message] of underIt) {
    it(`a node whose program is ${how} under it stops and says why`, () => withXdpNode(43, async ({pair, exited, out, err}) => {
      assert.equal(raftctl(argv(pair.a.iface), {netns: pair.a.netns}).status, 0)
      const [code] = await exited
      assert.equal(code, 1, out() + err())
      assert.match(err(), new RegExp(`raftctl's program ${message.source} ${pair.a.iface} .*start it again to attach again`))
    }))
  }
})
