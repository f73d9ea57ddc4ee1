/**
 * Bad flags and arguments: one line on stderr saying what is allowed, exit 2, and nothing
 * pinned or attached (the interface does not even need to exist: flags are checked first).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {execFileSync} from 'node:child_process'
import {hasPins, jsonOf, raftctl} from './cli.js'

const IFACE = `rcflag${process.pid.toString(36)}`.slice(0, 15)
/** A cluster name no other test uses: a bad `cluster up` must not create its namespaces. */
const CLUSTER = 'rcflags'

const cases: {name: string; argv: string[]; message: RegExp; noHelpHint?: true}[] = [
  {name: 'port 0', argv: ['attach', '-i', IFACE, '--port', '0'], message: /--port must be a whole number from 1 to 65535 .*"0"/},
  {name: 'port 70000', argv: ['attach', '-i', IFACE, '--port', '70000'], message: /--port must be .* from 1 to 65535 .*"70000"/},
  {name: 'port abc', argv: ['attach', '-i', IFACE, '--port=abc'], message: /--port must be a whole number .*"abc"/},
  {name: 'cluster id -1', argv: ['attach', '-i', IFACE, '--cluster-id=-1'], message: /--cluster-id must be a whole number from 0 to 4294967295 .*"-1"/},
  {name: 'cluster id 2^32', argv: ['attach', '-i', IFACE, '-c', '4294967296'], message: /--cluster-id must be .*"4294967296"/},
  {name: 'mode turbo', argv: ['attach', '-i', IFACE, '--mode', 'turbo'], message: /--mode=turbo to be one of: auto, native, generic/},
  {name: 'missing --iface', argv: ['attach'], message: /Missing required flag iface/},
  {name: 'unknown flag', argv: ['detach', '-i', IFACE, '--colour'], message: /Nonexistent flag: --colour/},
  {name: 'unknown map', argv: ['maps', 'dump', 'raft_nope', '-i', IFACE],
    message: /unknown map "raft_nope"; the maps are raft_state, raft_config, raft_peers, raft_events, raft_stats/},
  {name: 'bad interval', argv: ['maps', 'dump', '-i', IFACE, '--watch', '--interval', 'soon'], message: /--interval must be a duration/},
  {name: 'nodes 65', argv: ['cluster', 'up', '--name', CLUSTER, '--nodes', '65'], message: /--nodes must be a whole number from 1 to 16, not "65"/},
  {name: 'heartbeat 2 ms', argv: ['cluster', 'up', '--name', CLUSTER, '--heartbeat-ms', '2'], message: /--heartbeat-ms must be a whole number from 5 to 10000/},
  {name: 'duration below its minimum', argv: ['cluster', 'up', '--name', CLUSTER, '--duration', '500ms'], message: /--duration must be a duration like 2s, 1m or 1000ms, at least 1000ms, not "500ms"/},
  {name: 'an election timeout no node accepts', argv: ['cluster', 'up', '--name', CLUSTER, '--election-timeout-ms', '400000'],
    message: /--election-timeout-ms must be MIN-MAX in ms like 150-300 \(or T for T-2T\), not "400000"/},
  {name: 'heartbeat above the election timeout', argv: ['cluster', 'up', '--name', CLUSTER, '--heartbeat-ms', '200'],
    message: /--election-timeout-ms minimum \(150\) must exceed --heartbeat-ms \(200\)/, noHelpHint: true},
]

/** Namespaces named after CLUSTER, which none of the cases may leave (or create). */
function clusterNamespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], {encoding: 'utf8'}).split('\n').filter((l) => l.startsWith(`${CLUSTER}-`))
}

describe('bad flags and arguments', () => {
  for (const c of cases) {
    it(`${c.name}: one line, exit 2, nothing pinned`, () => {
      const run = raftctl(c.argv)
      assert.equal(run.status, 2, `exit ${run.status}, stderr: ${run.stderr}`)
      assert.equal(run.stdout, '')
      const lines = run.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`)
      assert.match(lines[0], /^Error: /)
      assert.match(lines[0], c.message)
      if (!c.noHelpHint) assert.match(lines[0], /see: raftctl (attach|detach|maps dump|cluster up) --help$/)
      assert.equal(hasPins(IFACE), false)
      assert.deepEqual(clusterNamespaces(), [])
    })
  }

  const jsonCases = [
    {argv: ['attach', '-i', IFACE, '--port', '0', '--json'], message: /--port must be a whole number/},
    {argv: ['maps', 'dump', '-i', IFACE, '--watch', '--json'], message: /--json=true cannot also be provided when using --watch/},
  ]
  for (const c of jsonCases) {
    it(`${c.argv.join(' ')}: a JSON error on stdout, exit 2 (not oclif's 1)`, () => {
      const run = raftctl(c.argv)
      assert.equal(run.status, 2, run.stderr)
      const error = jsonOf<{error: {message: string; exitCode: number}}>(run).error
      assert.match(error.message, c.message)
      assert.equal(error.exitCode, 2)
      assert.equal(hasPins(IFACE), false)
    })
  }
})
