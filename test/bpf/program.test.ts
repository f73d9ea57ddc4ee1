// Programs: prog test-run (action, rewritten frame, map side effects), pinning and opening pins.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {after, before, describe, test} from 'node:test'
import {BpfError, BpfObject, BpfProgram, decode, encode} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {ok, runDriver} from '../helpers/driver.js'
import {DST_MAC, SRC_MAC, XDP_PASS, fixtureFrame} from '../helpers/frames.js'
import {createVethNamespace} from '../helpers/netns.js'
import {fixtureObject} from '../helpers/paths.js'
import {assertCleanExit, runChild} from '../helpers/teardown.js'

describe('BpfProgram', () => {
  let pinDir: string
  let object: BpfObject
  let program: BpfProgram

  before(async () => {
    pinDir = makePinDir('program')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
    program = object.program('fx_main')
  })

  after(() => {
    object?.close()
    removePinDir(pinDir)
  })

  test('testRun returns the action and the frame as the program rewrote it', async () => {
    const frame = fixtureFrame()
    const {retval, data, durationNs} = await program.testRun(frame)
    assert.equal(retval, XDP_PASS)
    assert.equal(data.length, frame.length)
    assert.deepEqual(data.subarray(0, 6), SRC_MAC, 'destination became the source')
    assert.deepEqual(data.subarray(6, 12), DST_MAC, 'source became the destination')
    assert.deepEqual(data.subarray(24), frame.subarray(24), 'the rest is untouched')
    assert.ok(durationNs >= 0)
    assert.deepEqual(frame.subarray(0, 6), DST_MAC, 'the input buffer is not modified')
  })

  test('testRun side effects land in the maps', async () => {
    const pinned = object.map('fx_pinned')
    const key = Buffer.alloc(4)
    const before = pinned.lookup(key)!.readBigUInt64LE()
    await program.testRun(fixtureFrame())
    await program.testRun(fixtureFrame())
    assert.equal(pinned.lookup(key)!.readBigUInt64LE(), before + 2n)
  })

  test('ingressIfindex reaches the program as xdp_md.ingress_ifindex', async () => {
    // Without it the kernel reports loopback (1); a veth in a fresh namespace has another index,
    // and the test-run must happen in that namespace, so a child process does it.
    const netns = createVethNamespace()
    try {
      const pin = `${pinDir}/fx_main-ingress`
      program.pin(pin)
      const [outcome] = runDriver([{op: 'testRun', programPin: pin, frame: fixtureFrame().toString('hex'), iface: netns.a}], {netns: netns.netns})
      const {ifindex, retval} = ok<{ifindex: number; retval: number}>(outcome)
      assert.notEqual(ifindex, 1)
      assert.equal(retval, XDP_PASS)
      const hash = object.map('fx_hash')
      const value = hash.lookup(encode(hash.keyLayout!, {ifindex, command: 0}))
      assert.ok(value, `the program counted under ifindex ${ifindex}`)
      assert.equal((decode(hash.valueLayout!, value) as {packets: bigint}).packets, 1n)
    } finally {
      netns.destroy()
    }
  })

  test('repeat runs the program that many times', async () => {
    const pinned = object.map('fx_pinned')
    const key = Buffer.alloc(4)
    const before = pinned.lookup(key)!.readBigUInt64LE()
    await program.testRun(fixtureFrame(), {repeat: 25})
    assert.equal(pinned.lookup(key)!.readBigUInt64LE(), before + 25n)
    await assert.rejects(program.testRun(fixtureFrame(), {repeat: 0}), RangeError)
  })

  test('a frame under 14 bytes is refused by the kernel with EINVAL', async () => {
    await assert.rejects(program.testRun(Buffer.alloc(10)), (error: BpfError) => {
      assert.ok(error instanceof BpfError)
      assert.equal(error.code, 'EINVAL')
      assert.equal(error.errno, 22)
      assert.equal(error.op, 'bpf_prog_test_run_opts')
      assert.equal(error.target, 'fx_main')
      assert.equal(error.message, 'test-run program fx_main: invalid argument (EINVAL)')
      return true
    })
  })

  test('terminating a worker with a test-run in flight leaves the process running', () => {
    // The run completes after the worker's environment stopped; settling its promise then used to
    // throw out of the completion callback (std::terminate).
    assertCleanExit(runChild('terminate-worker-during-test-run'))
  })

  test('pin, open the pin as a fresh handle, unpin', () => {
    const path = `${pinDir}/progs/fx_main`
    program.pin(path)
    assert.ok(existsSync(path), 'pin created along with its directory')
    const opened = BpfProgram.openPinned(path)
    try {
      assert.equal(opened.id, program.id)
      assert.equal(opened.tag, program.tag)
      assert.equal(opened.name, 'fx_main')
      assert.equal(opened.type, 'xdp')
      assert.notEqual(opened.fd, program.fd)
    } finally {
      opened.close()
      opened.close()
    }
    assert.throws(() => program.pin(path), {name: 'BpfError', code: 'EEXIST', op: 'bpf_obj_pin', target: path})
    program.unpin(path)
    assert.ok(!existsSync(path))
    assert.throws(() => program.unpin(path), {name: 'BpfError', code: 'ENOENT'})
  })

  test('opening a missing pin is ENOENT; a pinned map is not a program', () => {
    const missing = `${pinDir}/nothing-here`
    assert.throws(() => BpfProgram.openPinned(missing), (error: BpfError) => {
      assert.ok(error instanceof BpfError)
      assert.equal(error.code, 'ENOENT')
      assert.equal(error.op, 'bpf_obj_get')
      assert.equal(error.target, missing)
      assert.equal(error.message, `open pinned program ${missing}: no such file or directory (ENOENT)`)
      return true
    })
    assert.throws(() => BpfProgram.openPinned(`${pinDir}/fx_pinned`), {code: 'EINVAL', message: /is a bpf-map, not a program/})
  })
})
