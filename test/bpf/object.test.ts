// Loading objects: programs and maps, load-time globals, program info, and load failures.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {BpfError, BpfObject, decode, programInfo} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {XDP_DROP, XDP_PASS, XDP_TX, fixtureFrame, le} from '../helpers/frames.js'
import {fixtureObject} from '../helpers/paths.js'

describe('BpfObject', () => {
  let pinDir: string
  let object: BpfObject

  before(async () => {
    pinDir = makePinDir('object')
    object = await BpfObject.load(fixtureObject('binding'), {
      pinRoot: pinDir,
      globals: {fx_action: le(4, XDP_TX), fx_mark: le(1, 0xab)},
    })
  })

  after(() => {
    object?.close()
    removePinDir(pinDir)
  })

  test('lists the programs and maps of the object with their kernel identity', () => {
    assert.deepEqual(object.programs.map((p) => p.name), ['fx_main', 'fx_pass'])
    for (const program of object.programs) {
      assert.equal(program.type, 'xdp')
      assert.ok(program.id > 0)
      assert.ok(program.fd > 0)
      assert.match(program.tag, /^[0-9a-f]{16}$/)
    }
    const maps = Object.fromEntries(object.maps.map((m) => [m.name, m]))
    assert.deepEqual(Object.keys(maps).sort(), ['binding.bss', 'binding.rodata', 'fx_events', 'fx_hash', 'fx_percpu', 'fx_pinned', 'fx_shared'])
    assert.equal(maps.fx_hash.type, 'hash')
    assert.equal(maps.fx_hash.keySize, 8)
    assert.equal(maps.fx_hash.valueSize, 48)
    assert.equal(maps.fx_hash.maxEntries, 64)
    assert.equal(maps.fx_events.type, 'ringbuf')
    assert.equal(maps.fx_percpu.type, 'percpu_array')
    assert.equal(maps.fx_shared.flags & (1 << 10), 1 << 10, 'BPF_F_MMAPABLE')
    assert.equal(object.map('fx_hash'), maps.fx_hash, 'one handle per map')
    assert.equal(object.map('.rodata'), maps['binding.rodata'], "'.rodata' names the object's .rodata map")
  })

  test('sets const volatile globals before load: the program acts on them', async () => {
    const {retval, data} = await object.program('fx_main').testRun(fixtureFrame())
    assert.equal(retval, XDP_TX)
    assert.equal(data[15], 0xab, 'fx_mark stamped into the frame')
    const rodata = object.map('.rodata')
    assert.deepEqual(decode(rodata.valueLayout!, rodata.lookup(Buffer.alloc(4))!), {fx_action: XDP_TX, fx_mark: 0xab})
  })

  test('without globals the compiled-in defaults hold', async () => {
    const plain = await BpfObject.load(fixtureObject('binding'), {pinRoot: makePinDirFor(pinDir)})
    try {
      const {retval, data} = await plain.program('fx_main').testRun(fixtureFrame())
      assert.equal(retval, XDP_PASS)
      assert.equal(data[15], 0)
    } finally {
      plain.close()
    }
  })

  test('refuses an unknown global and a global of the wrong size, naming it', async () => {
    await assert.rejects(BpfObject.load(fixtureObject('binding'), {globals: {fx_nope: le(4, 1)}}), (error: BpfError) => {
      assert.ok(error instanceof BpfError)
      assert.equal(error.code, 'ENOENT')
      assert.match(error.message, /no global variable named fx_nope/)
      return true
    })
    await assert.rejects(BpfObject.load(fixtureObject('binding'), {globals: {fx_action: le(2, XDP_DROP)}}), (error: BpfError) => {
      assert.equal(error.code, 'EINVAL')
      assert.match(error.message, /global fx_action is 4 bytes, got 2/)
      return true
    })
  })

  test('a verifier rejection carries the verifier log', async () => {
    const path = fixtureObject('verifier-reject')
    await assert.rejects(BpfObject.load(path), (error: BpfError) => {
      assert.ok(error instanceof BpfError)
      assert.equal(error.code, 'EACCES')
      assert.equal(error.op, 'bpf_object__load')
      assert.equal(error.target, path)
      assert.equal(error.message, `load ${path}: permission denied (EACCES)`)
      assert.ok(error.log.some((line) => line.includes('BEGIN PROG LOAD LOG')), error.log.join('\n'))
      assert.ok(error.log.some((line) => /invalid access to packet/.test(line)), error.log.join('\n'))
      assert.ok(error.cause instanceof Error, 'wraps the native error as its cause')
      return true
    })
  })

  test('a missing object file is ENOENT from bpf_object__open_file', async () => {
    await assert.rejects(BpfObject.load('/nonexistent/raftctl.bpf.o'), {
      name: 'BpfError', code: 'ENOENT', op: 'bpf_object__open_file', target: '/nonexistent/raftctl.bpf.o',
    })
  })

  test('asking for a program or map the object lacks is ENOENT', () => {
    assert.throws(() => object.program('fx_nope'), {name: 'BpfError', code: 'ENOENT', message: /no program fx_nope/})
    assert.throws(() => object.map('fx_nope'), {name: 'BpfError', code: 'ENOENT', message: /no map fx_nope/})
  })

  test('programInfo reports a loaded program by id, and undefined for an unknown id', () => {
    const program = object.program('fx_main')
    const info = programInfo(program.id)!
    assert.equal(info.id, program.id)
    assert.equal(info.name, 'fx_main')
    assert.equal(info.tag, program.tag)
    assert.equal(info.type, 'xdp')
    for (const name of ['fx_hash', 'fx_pinned', 'fx_shared', 'fx_percpu', 'fx_events', '.rodata']) {
      assert.ok(info.mapIds.includes(object.map(name).id), `fx_main uses ${name}`)
    }
    assert.ok(info.loadedAt instanceof Date)
    assert.ok(Math.abs(info.loadedAt.getTime() - Date.now()) < 10 * 60_000, `load time ${info.loadedAt.toISOString()} is recent`)
    assert.equal(programInfo(0x7ffffff0), undefined)
  })

  test('close() is idempotent and closes the handles it gave out', async () => {
    const extra = await BpfObject.load(fixtureObject('binding'), {pinRoot: makePinDirFor(pinDir)})
    const program = extra.program('fx_main')
    const map = extra.map('fx_hash')
    extra.close()
    extra.close()
    assert.equal(program.fd, -1)
    assert.equal(map.fd, -1)
    await assert.rejects(program.testRun(fixtureFrame()), /is closed/)
    assert.throws(() => map.keys(), /is closed/)
  })
})

/** A fresh sub-directory of the test's pin dir, so extra loads do not share the main load's maps. */
function makePinDirFor(parent: string): string {
  return `${parent}/extra-${Math.random().toString(36).slice(2, 8)}`
}
