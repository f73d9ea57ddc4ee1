// String arguments: every name and path the binding hands to the kernel or libbpf becomes a C
// string, so one holding a NUL byte is refused rather than silently cut short at it.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {after, before, describe, test} from 'node:test'
import {BpfMap, BpfObject, BpfProgram, RingBuffer, attachXdp, detachXdp, interfaceIndex, queryXdp} from '../../src/bpf/index.js'
import {addon} from '../../src/bpf/native.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {fixtureObject} from '../helpers/paths.js'

/** The TypeError for a NUL byte in the argument called `what`. */
const nul = (what: string) => ({name: 'TypeError', message: `${what} must not contain a NUL byte`})

describe('string arguments with a NUL byte', () => {
  let pinDir: string
  let object: BpfObject

  before(async () => {
    pinDir = makePinDir('strings')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
  })

  after(() => {
    object?.close()
    removePinDir(pinDir)
  })

  test('interface names are refused, not looked up up to the NUL', () => {
    const program = object.program('fx_pass')
    const before = queryXdp('lo')
    try {
      assert.throws(() => interfaceIndex('lo\0x'), nul('interface name'))
      assert.throws(() => queryXdp('lo\0x'), nul('interface name'))
      assert.throws(() => detachXdp('lo\0x'), nul('interface name'))
      assert.throws(() => attachXdp('lo\0x', program, {mode: 'generic'}), nul('interface name'))
      assert.deepEqual(queryXdp('lo'), before, 'nothing was attached to lo')
    } finally {
      detachXdp('lo', {expectedProgramId: program.id})
    }
  })

  test('pin paths are refused, not cut at the NUL', () => {
    const map = object.map('fx_hash')
    const program = object.program('fx_pass')
    assert.throws(() => map.pin(`${pinDir}/map\0x`), nul('pin path'))
    assert.throws(() => program.pin(`${pinDir}/prog\0x`), nul('pin path'))
    assert.ok(!existsSync(`${pinDir}/map`) && !existsSync(`${pinDir}/prog`), 'nothing was pinned at the truncated paths')

    // fx_pinned exists: a truncated path would open or unpin it.
    assert.throws(() => BpfMap.openPinned(`${pinDir}/fx_pinned\0x`), nul('pin path'))
    assert.throws(() => map.unpin(`${pinDir}/fx_pinned\0x`), nul('pin path'))
    program.pin(`${pinDir}/fx_prog`)
    assert.throws(() => BpfProgram.openPinned(`${pinDir}/fx_prog\0x`), nul('pin path'))
    assert.throws(() => program.unpin(`${pinDir}/fx_prog\0x`), nul('pin path'))
    assert.ok(existsSync(`${pinDir}/fx_pinned`) && existsSync(`${pinDir}/fx_prog`), 'the pins are still there')
    program.unpin(`${pinDir}/fx_prog`)
  })

  test('object paths, pin roots and global names are refused at load', async () => {
    const path = fixtureObject('binding')
    await assert.rejects(BpfObject.load(`${path}\0x`), nul('object path'))
    await assert.rejects(BpfObject.load(path, {pinRoot: `${pinDir}\0x`}), nul('pin root'))
    await assert.rejects(BpfObject.load(path, {globals: {'fx_action\0x': Buffer.alloc(4)}}), nul('global name'))
  })

  test('program, map and type names are refused, not matched up to the NUL', () => {
    assert.throws(() => object.program('fx_main\0x'), nul('program name'))
    assert.throws(() => object.map('fx_hash\0x'), nul('map name'))
    assert.throws(() => object.findType('fx_event\0x'), nul('type name'))
    assert.throws(() => object.map('fx_hash').findType('fx_event\0x'), nul('type name'))
  })

  test('a ring buffer\'s map name is refused by the addon itself', () => {
    const map = object.map('fx_events')
    assert.throws(() => new addon.RingBuffer(map.fd, 'fx_events\0x', () => {}), nul('map name'))
    new RingBuffer(map, () => {}).close() // the wrapper passes the kernel's name, which has none
  })
})
