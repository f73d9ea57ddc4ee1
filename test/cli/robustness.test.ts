/**
 * What an operator (or a script with an unset variable) can do wrong with attach and detach:
 * names that are not interfaces, concurrent runs, a kill -9 midway, pins lost or in an unnamed
 * namespace. Nothing outside raftctl's pin directory is ever touched, and the next run recovers.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createVethPair, type VethPair} from '../netns/veth-pair.js'
import {PIN_BASE, cliCommand, cliEnv, hasPins, pinDir, raftctl, xdpOn} from './cli.js'

describe('attach and detach under abuse', () => {
  let pair: VethPair
  before(() => {
    pair = createVethPair()
  })
  after(() => {
    raftctl(['detach', '-i', pair.a.iface], {netns: pair.a.netns})
    pair.destroy()
  })
  const inA = (args: string[]) => raftctl(args, {netns: pair.a.netns})

  for (const name of ['', '.', '..', '../../../../tmp/x', 'a/b', 'eth0:1', 'has space', 'netns-x', 'a'.repeat(16)]) {
    it(`refuses ${JSON.stringify(name)} as an interface name and deletes nothing`, () => {
      const victim = mkdtempSync(join(tmpdir(), 'raftctl-victim-'))
      writeFileSync(join(victim, 'file'), 'x')
      // a directory of its own under the pin base: an rm -rf of the base would take it along
      const sentinel = join(PIN_BASE, `netns-sentinel${process.pid}`)
      mkdirSync(sentinel, {recursive: true})
      try {
        for (const command of ['detach', 'attach']) {
          const run = raftctl([command, '--iface', name === '../../../../tmp/x' ? `../../../..${victim}` : name])
          assert.equal(run.status, 2, `${command}: ${run.stderr}`)
          assert.match(run.stderr, /is not an interface name/)
        }
        assert.ok(existsSync(join(victim, 'file')), 'the directory outside the pins survives')
        assert.ok(existsSync(sentinel), 'raftctl\'s own pin base and what is in it survive')
      } finally {
        rmSync(victim, {recursive: true, force: true})
        rmSync(sentinel, {recursive: true, force: true})
        try {
          rmdirSync(PIN_BASE)
        } catch {
          // other pins are there
        }
      }
    })
  }

  it('detach of an interface that does not exist and has no pins is an error', () => {
    const run = raftctl(['detach', '--iface', 'rcnosuch9'])
    assert.equal(run.status, 1)
    assert.match(run.stderr, /no such interface rcnosuch9, and nothing pinned for it/)
  })

  it('two attaches at once: one attachment, complete pins', async () => {
    const [command, ...args] = cliCommand(['attach', '-i', pair.a.iface, '--mode', 'generic'], {netns: pair.a.netns})
    const runs = [0, 1].map(() => new Promise<number | null>((resolve) => {
      spawn(command, args, {env: cliEnv(), stdio: 'ignore'}).on('exit', resolve)
    }))
    assert.deepEqual(await Promise.all(runs), [0, 0])
    const dir = pinDir(pair.a.netns, pair.a.iface)
    for (const pin of ['prog', 'rodata', 'raft_state', 'raft_config', 'raft_peers', 'raft_events', 'raft_stats']) {
      assert.ok(existsSync(join(dir, pin)), `${pin} pinned`)
    }
    assert.equal(inA(['detach', '-i', pair.a.iface]).status, 0)
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0)
  })

  it('a kill -9 at any moment of attach: the next attach or detach recovers', () => {
    const [command, ...args] = cliCommand(['attach', '-i', pair.a.iface, '--mode', 'generic'], {netns: pair.a.netns})
    for (const delayMs of [150, 300, 450, 600, 750, 900]) {
      spawnSync('timeout', ['-s', 'KILL', `${delayMs / 1000}`, command, ...args], {env: cliEnv()})
      if (delayMs % 300 === 0) {
        assert.equal(inA(['detach', '-i', pair.a.iface]).status, 0)
        assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0, `detached after a kill at ${delayMs} ms`)
        assert.equal(hasPins(pair.a.iface), false)
      } else {
        const run = inA(['attach', '-i', pair.a.iface, '--mode', 'generic'])
        assert.equal(run.status, 0, `attach after a kill at ${delayMs} ms: ${run.stderr}`)
        assert.ok(existsSync(join(pinDir(pair.a.netns, pair.a.iface), 'prog')))
      }
    }
  })

  it('raftctl\'s program whose pins were lost is detached', () => {
    assert.equal(inA(['attach', '-i', pair.a.iface, '--mode', 'generic']).status, 0)
    rmSync(pinDir(pair.a.netns, pair.a.iface), {recursive: true})
    const run = inA(['detach', '-i', pair.a.iface])
    assert.equal(run.status, 0, run.stderr)
    assert.equal(xdpOn(pair.a.netns, pair.a.iface).id, 0)
  })

  it('damaged pins: status reports it on the row, attach --force repairs it', () => {
    assert.equal(inA(['attach', '-i', pair.a.iface, '--mode', 'generic']).status, 0)
    rmSync(join(pinDir(pair.a.netns, pair.a.iface), 'rodata'))
    const status = inA(['status'])
    assert.equal(status.status, 0, status.stderr)
    assert.match(status.stdout, /repair it with: raftctl attach --iface/)
    assert.notEqual(inA(['attach', '-i', pair.a.iface, '--mode', 'generic']).status, 0, 'refused without --force')
    assert.equal(inA(['attach', '-i', pair.a.iface, '--mode', 'generic', '--force']).status, 0)
    assert.ok(existsSync(join(pinDir(pair.a.netns, pair.a.iface), 'rodata')))
    assert.equal(inA(['detach', '-i', pair.a.iface]).status, 0)
  })

  it('two unnamed namespaces with the same interface name keep separate pins', () => {
    // unshare -n makes a namespace with no name; each gets its own veth "rcdup0"
    const script = `ip link add rcdup0 type veth peer name rcdup1 && ip link set rcdup0 up && ${cliCommand(['attach', '-i', 'rcdup0', '--mode', 'generic']).join(' ')} --json`
    const outputs = [0, 1].map(() => execFileSync('unshare', ['-n', 'sh', '-c', script], {env: cliEnv(), encoding: 'utf8'}))
    const [first, second] = outputs.map((o) => JSON.parse(o) as {pinPath: string; alreadyAttached: boolean})
    assert.notEqual(first.pinPath, second.pinPath)
    assert.equal(second.alreadyAttached, false)
    for (const out of [first, second]) rmSync(dirname(out.pinPath), {recursive: true, force: true})
    assert.ok(first.pinPath.startsWith(`${PIN_BASE}/netns-ino`), first.pinPath)
  })
})
