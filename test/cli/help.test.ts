/** `--help` of every command: usage, summary, flags and examples, exit 0. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {raftctl} from './cli.js'

const commands: {argv: string[]; summary: RegExp; flags: string[]}[] = [
  {argv: ['attach'], summary: /Attach the raftctl XDP program/, flags: ['--iface', '--mode', '--port', '--cluster-id', '--force', '--json']},
  {argv: ['detach'], summary: /Detach the raftctl XDP program/, flags: ['--iface', '--json']},
  {argv: ['status'], summary: /Show XDP attachments/, flags: ['--iface', '--json']},
  {argv: ['maps', 'dump'], summary: /Dump the BPF maps/, flags: ['--iface', '--watch', '--interval', '--json']},
]

describe('raftctl <command> --help', () => {
  for (const command of commands) {
    it(`${command.argv.join(' ')} --help shows usage, summary, flags and examples`, () => {
      const run = raftctl([...command.argv, '--help'])
      assert.equal(run.status, 0, run.stderr)
      assert.match(run.stdout, /USAGE/)
      assert.match(run.stdout, new RegExp(`raftctl ${command.argv.join(' ')}`))
      assert.match(run.stdout, command.summary)
      assert.match(run.stdout, /EXAMPLES/)
      for (const flag of command.flags) assert.ok(run.stdout.includes(flag), `${flag} missing from:\n${run.stdout}`)
      assert.equal(run.stderr, '')
    })
  }

  it('raftctl --help lists every command, and the maps topic its dump command', () => {
    const run = raftctl(['--help'])
    assert.equal(run.status, 0, run.stderr)
    for (const name of ['attach', 'detach', 'status', 'maps']) assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'))
    assert.match(raftctl(['maps', '--help']).stdout, /raftctl maps dump|maps dump/)
  })
})
