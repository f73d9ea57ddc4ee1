// Maps: CRUD and iteration on raw bytes, BTF layouts and decoding, per-CPU values, and values
// written by userspace that the program then reads and changes.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {BpfError, BpfMap, BpfObject, decode, encode, fieldOffset} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {fixtureFrame} from '../helpers/frames.js'
import {fixtureObject} from '../helpers/paths.js'

// A test-run without ingressIfindex runs as if received on this namespace's loopback device.
const LOOPBACK = 1

describe('BpfMap', () => {
  let pinDir: string
  let object: BpfObject
  let hash: BpfMap

  const key = (ifindex: number, command = 0) => encode(hash.keyLayout!, {ifindex, command})
  const value = (fields: Record<string, unknown>) => encode(hash.valueLayout!, fields as never)

  before(async () => {
    pinDir = makePinDir('map')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
    hash = object.map('fx_hash')
  })

  after(() => {
    object?.close()
    removePinDir(pinDir)
  })

  test('reports its kernel info', () => {
    assert.equal(hash.name, 'fx_hash')
    assert.equal(hash.type, 'hash')
    assert.equal(hash.keySize, 8)
    assert.equal(hash.valueSize, 48)
    assert.equal(hash.maxEntries, 64)
    assert.equal(hash.flags, 0)
    assert.ok(hash.id > 0)
    assert.ok(hash.btfId > 0)
    assert.equal(hash.valueBufferSize, 48)
    assert.equal(hash.perCpu, false)
  })

  test('update, lookup, delete and iterate on raw bytes', () => {
    for (const k of hash.keys()) hash.delete(k)
    assert.equal(hash.lookup(key(100)), undefined)
    hash.update(key(100), value({packets: 1n}))
    hash.update(key(200), value({packets: 2n}), 'noexist')
    hash.update(key(100), value({packets: 3n}), 'exist')
    assert.throws(() => hash.update(key(200), value({}), 'noexist'), {name: 'BpfError', code: 'EEXIST', op: 'bpf_map_update_elem'})
    assert.throws(() => hash.update(key(300), value({}), 'exist'), {name: 'BpfError', code: 'ENOENT'})

    const packets = (k: Buffer) => (decode(hash.valueLayout!, hash.lookup(k)!) as {packets: bigint}).packets
    assert.equal(packets(key(100)), 3n)
    assert.equal(packets(key(200)), 2n)
    const keys = hash.keys().map((k) => (decode(hash.keyLayout!, k) as {ifindex: number}).ifindex).sort()
    assert.deepEqual(keys, [100, 200])
    assert.deepEqual(hash.entries().map(([k, v]) => [k.readUInt32LE(0), v.readBigUInt64LE(0)]).sort(), [[100, 3n], [200, 2n]])

    assert.equal(hash.delete(key(100)), true)
    assert.equal(hash.delete(key(100)), false)
    assert.equal(hash.lookup(key(100)), undefined)
    assert.equal(hash.keys().length, 1)
  })

  test('a short key is zero-filled; a long key or a wrong-sized value is refused', () => {
    hash.update(key(7), value({packets: 9n}))
    const short = Buffer.from([7, 0, 0, 0])
    assert.equal(hash.lookup(short)!.readBigUInt64LE(0), 9n)
    assert.throws(() => hash.lookup(Buffer.alloc(9)), {code: 'EINVAL', message: /key is 9 bytes, the map's keys are 8/})
    assert.throws(() => hash.update(key(7), Buffer.alloc(47)), {code: 'EINVAL', message: /value is 47 bytes, the map needs 48/})
  })

  test('array maps iterate every index and refuse deletes (the kernel says EINVAL)', () => {
    const pinned = object.map('fx_pinned')
    assert.deepEqual(pinned.keys().map((k) => k.readUInt32LE(0)), [0, 1, 2, 3])
    assert.throws(() => pinned.delete(Buffer.alloc(4)), {name: 'BpfError', code: 'EINVAL', op: 'bpf_map_delete_elem', target: 'fx_pinned'})
  })

  test('BTF layouts keep typedef names and describe bitfields, enums, nesting and anonymous unions', () => {
    const layout = hash.valueLayout!
    assert.equal(layout.kind, 'struct')
    if (layout.kind !== 'struct') return
    assert.equal(layout.name, 'fx_value')
    assert.equal(layout.size, 48)
    const member = (name: string) => layout.members.find((m) => m.name === name)!
    assert.deepEqual(member('packets').type, {kind: 'int', name: 'unsigned long long', size: 8, signed: false, typedef: 'fx_counter_t'})
    assert.deepEqual(member('color').type, {kind: 'enum', name: 'fx_color', size: 4, signed: false, values: {FX_RED: 1, FX_GREEN: 2, FX_BLUE: 7}})
    assert.deepEqual([member('enabled').bitOffset, member('enabled').bitSize], [96, 1])
    assert.deepEqual([member('level').bitOffset, member('level').bitSize], [97, 3])
    assert.deepEqual([member('code').bitOffset, member('code').bitSize], [100, 12])
    assert.equal(member('delta').bitSize, 5)
    assert.deepEqual(member('delta').type, {kind: 'int', name: 'int', size: 4, signed: true, typedef: '__s32'})
    assert.equal(member('wide').bitSize, 40)
    assert.equal(member('inner').type.kind, 'struct')
    assert.equal(member('inner').bitOffset % 8, 0)
    const anonymous = layout.members.find((m) => m.name === '')!
    assert.equal(anonymous.type.kind, 'union')
    assert.deepEqual(member('label').type, {kind: 'array', size: 8, length: 8, element: {kind: 'int', name: 'char', size: 1, signed: true}})
    assert.deepEqual(hash.keyLayout && hash.keyLayout.kind === 'struct' && hash.keyLayout.members.map((m) => m.name), ['ifindex', 'command', 'pad'])
    assert.deepEqual(fieldOffset(layout, 'inner.port'), {offset: fieldOffset(layout, 'inner').offset + 4, size: 2})
  })

  test('the program fills a value that decodes field by field', async () => {
    hash.delete(key(LOOPBACK))
    await object.program('fx_main').testRun(fixtureFrame())
    assert.deepEqual(decode(hash.valueLayout!, hash.lookup(key(LOOPBACK))!), {
      packets: 1n,
      color: 'FX_GREEN',
      enabled: 1,
      level: 5,
      code: 0xabc,
      delta: -3,
      wide: 0x123456789an,
      inner: {seq: 7, port: 4789, ttl: 64},
      as_u32: 0x04030201,
      bytes: [1, 2, 3, 4],
      label: 'fixture',
    })
  })

  test('a value encoded in userspace is read and updated by the program at the same bit positions', async () => {
    const written = {
      packets: 41n, color: 'FX_RED', enabled: 1, level: 2, code: 0xfff, delta: -16, wide: (1n << 40n) - 1n,
      inner: {seq: 0xffffffff, port: 1, ttl: 255}, bytes: [9, 8, 7, 6], label: 'userspc',
    }
    hash.update(key(LOOPBACK), encode(hash.valueLayout!, written))
    await object.program('fx_main').testRun(fixtureFrame())
    const decoded = decode(hash.valueLayout!, hash.lookup(key(LOOPBACK))!) as Record<string, unknown>
    // The program adds one packet, sets FX_BLUE and raises level by one; every other field stays.
    assert.deepEqual(decoded, {...written, packets: 42n, color: 'FX_BLUE', level: 3, as_u32: 0x06070809})
  })

  test('findType finds a named struct, also through a ringbuf map without BTF of its own', () => {
    const events = object.map('fx_events')
    assert.equal(events.btfId, 0, 'the kernel keeps no BTF for a ringbuf')
    assert.equal(events.keyLayout, undefined)
    const event = events.findType('fx_event')
    assert.equal(event?.kind, 'struct')
    assert.deepEqual(event?.kind === 'struct' && event.members.map((m) => m.name), ['ktime_ns', 'word', 'ifindex', 'len', 'command', 'color'])
    assert.equal(hash.findType('fx_color')?.kind, 'enum')
    assert.equal(hash.findType('fx_counter_t')?.typedef, 'fx_counter_t')
    assert.equal(hash.findType('no_such_type'), undefined)
  })

  test('per-CPU lookups return one slot per possible CPU', async () => {
    const percpu = object.map('fx_percpu')
    assert.equal(percpu.perCpu, true)
    const zero = Buffer.alloc(4)
    const slots = percpu.lookupPerCpu(zero)!
    assert.ok(slots.length >= 1)
    assert.equal(percpu.valueBufferSize, slots.length * 8, 'a 4-byte value takes an 8-byte slot per CPU')
    const before = slots.reduce((sum, slot) => sum + slot.readUInt32LE(0), 0)
    await object.program('fx_main').testRun(fixtureFrame(), {repeat: 3})
    const after = percpu.lookupPerCpu(zero)!.reduce((sum, slot) => sum + slot.readUInt32LE(0), 0)
    assert.equal(after, before + 3)
    percpu.update(zero, Buffer.alloc(percpu.valueBufferSize))
    assert.ok(percpu.lookupPerCpu(zero)!.every((slot) => slot.readUInt32LE(0) === 0))
    assert.throws(() => hash.lookupPerCpu(key(LOOPBACK)), /not a per-CPU one/)
  })

  test('a missing pinned map is ENOENT; a pinned program is not a map', () => {
    assert.throws(() => BpfMap.openPinned(`${pinDir}/missing`), (error: BpfError) => {
      assert.ok(error instanceof BpfError)
      assert.equal(error.code, 'ENOENT')
      assert.equal(error.op, 'bpf_obj_get')
      assert.equal(error.target, `${pinDir}/missing`)
      return true
    })
    const programPin = `${pinDir}/fx_main`
    object.program('fx_main').pin(programPin)
    assert.throws(() => BpfMap.openPinned(programPin), {code: 'EINVAL', message: /is a bpf-prog, not a map/})
  })

  test('close() is idempotent and later use says the map is closed', () => {
    const map = BpfMap.openPinned(`${pinDir}/fx_pinned`)
    map.close()
    map.close()
    assert.equal(map.fd, -1)
    assert.throws(() => map.lookup(Buffer.alloc(4)), /map fx_pinned is closed/)
  })
})
