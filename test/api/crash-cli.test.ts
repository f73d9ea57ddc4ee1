/**
 * `raftctl crash-simulate --api` spawned for real against the real API server over a fake node
 * whose leadership passes to n2 in term 6 shortly after it rejoins; and its errors: unreachable
 * API, refusals, bad flags.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import {after, before, beforeEach, describe, it} from 'node:test'
import {startApiServer, type ApiServer} from '../../src/api/server.js'
import type {CrashSimulateResult} from '../../src/commands/crash-simulate.js'
import {jsonOf} from '../cli/cli.js'
import {FakeControl, leaderState} from './fake-control.js'
import {runCli} from './spawn-cli.js'

/** A port nothing listens on: bound by the kernel's choice, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const {port} = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('raftctl crash-simulate --api', () => {
  let control: FakeControl
  let server: ApiServer

  before(async () => {
    control = new FakeControl()
    server = await startApiServer(control, {port: 0})
  })
  after(() => server?.close())
  beforeEach(() => {
    control.current = leaderState()
    control.crashes = []
    // The others elect n2 in term 6 while n1 is down; n1 hears its heartbeat 80 ms after rejoining.
    control.onRejoin = () => setTimeout(() => {
      control.current = {...control.current, term: '6', votedFor: 0, leaderId: 2, leaderAddr: '10.0.0.2'}
    }, 80)
  })

  it('crashes the node, then names the old leader and term and the new ones with the time taken', async () => {
    const run = await runCli(['crash-simulate', '--api', server.url, '--for', '200ms'])
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stderr, '')
    assert.deepEqual(control.crashes, [200])
    const lines = run.stdout.trimEnd().split('\n')
    assert.equal(lines.length, 3, run.stdout)
    assert.equal(lines[0], 'n1 was the leader in term 5; crashing it for 200 ms')
    assert.match(lines[1], /^n1 rejoined as a follower in term 5 after \d+ ms$/)
    assert.match(lines[2], /^new leader: n2 \(10\.0\.0\.2\) in term 6, known \d+ ms after the crash began \(\d+ ms after rejoining\)$/)
    const [rejoined, known] = [lines[1], lines[2]].map((l) => Number(/(\d+) ms/.exec(l)![1]))
    assert.ok(rejoined >= 200 && known >= rejoined, run.stdout)
  })

  it('--json gives the same story as data, terms as strings', async () => {
    const run = await runCli(['crash-simulate', '-a', server.url.replace('http://', ''), '--for', '150ms', '--json'])
    assert.equal(run.status, 0, run.stderr)
    const result = jsonOf<CrashSimulateResult>(run)
    assert.deepEqual([result.via, result.target, result.forMs], ['api', server.url, 150])
    assert.deepEqual(result.before, {nodeId: 1, role: 'leader', term: '5', leaderId: 1, leaderAddr: '10.0.0.1'})
    assert.deepEqual(result.after, {nodeId: 1, role: 'follower', term: '6', leaderId: 2, leaderAddr: '10.0.0.2'})
    assert.ok(result.rejoinedAfterMs >= 150 && result.leaderKnownAfterMs! >= result.rejoinedAfterMs, JSON.stringify(result))
  })

  it("reports the API's refusal in one line and exits 1", async () => {
    control.current = {...leaderState(), crashed: true}
    const run = await runCli(['crash-simulate', '--api', server.url])
    assert.equal(run.status, 1)
    assert.equal(run.stdout, '')
    assert.equal(run.stderr, `Error: POST /crash on the raftctl API at ${server.url} failed with 409: n1 is already crashed; wait for it to rejoin\n`)
    assert.deepEqual(control.crashes, [])
  })
})

describe('raftctl crash-simulate errors', () => {
  it('says in one line that the API is unreachable, and exits non-zero', async () => {
    const port = await freePort()
    const run = await runCli(['crash-simulate', '--api', `127.0.0.1:${port}`])
    assert.equal(run.status, 1)
    assert.equal(run.stdout, '')
    assert.equal(run.stderr, `Error: cannot reach the raftctl API at http://127.0.0.1:${port}: ECONNREFUSED; ` +
      `is \`raftctl run --api 127.0.0.1:${port}\` running?\n`)
  })

  for (const value of ['0ms', '2x', '11m', '1.5ms', '-1s']) {
    it(`rejects --for ${value} with exit 2`, async () => {
      const run = await runCli(['crash-simulate', '--api', '127.0.0.1:9', `--for=${value}`])
      assert.equal(run.status, 2)
      assert.match(run.stderr, /^Error: --for must be a whole number of milliseconds from 1ms to 10m like 500ms or 2s, not ".*"; see: raftctl crash-simulate --help\n$/)
    })
  }

  const usage: [string, string[], RegExp][] = [
    ['neither --api nor --iface', [], /^Error: give the node's API with --api 127\.0\.0\.1:PORT/],
    ['both --api and --iface', ['--api', '127.0.0.1:9', '--iface', 'lo'], /cannot also be provided/],
    ['an --api that is not HTTP', ['--api', 'ftp://127.0.0.1:9'], /^Error: --api must be the address of a node's API/],
  ]
  for (const [name, argv, stderr] of usage) {
    it(`rejects ${name} with exit 2, in one line`, async () => {
      const run = await runCli(['crash-simulate', ...argv])
      assert.equal(run.status, 2)
      assert.match(run.stderr, stderr)
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr)
    })
  }

  it('--help explains both ways, and that --iface is the kernel half only', async () => {
    const run = await runCli(['crash-simulate', '--help'])
    assert.equal(run.status, 0, run.stderr)
    for (const text of ['USAGE', 'Make a node behave as crashed', '--api', '--iface', '--for', '[default: 500ms]', '--json', 'EXAMPLES']) {
      assert.ok(run.stdout.includes(text), `${text} missing from:\n${run.stdout}`)
    }
    assert.match(run.stdout.replace(/\s+/g, ' '), /is not told and keeps sending heartbeats and vote requests, so --api is the complete crash/)
  })
})
