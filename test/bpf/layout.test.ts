// decode/encode/fieldOffset on hand-written layouts: the rules, without a kernel.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {decode, encode, fieldOffset, type TypeLayout} from '../../src/bpf/index.js'

const u8: TypeLayout = {kind: 'int', name: 'unsigned char', size: 1, signed: false, typedef: '__u8'}
const u16: TypeLayout = {kind: 'int', name: 'unsigned short', size: 2, signed: false, typedef: '__u16'}
const s32: TypeLayout = {kind: 'int', name: 'int', size: 4, signed: true}
const u32: TypeLayout = {kind: 'int', name: 'unsigned int', size: 4, signed: false, typedef: '__u32'}
const u64: TypeLayout = {kind: 'int', name: 'unsigned long long', size: 8, signed: false, typedef: '__u64'}
const char: TypeLayout = {kind: 'int', name: 'char', size: 1, signed: true}
const role: TypeLayout = {kind: 'enum', name: 'role', size: 4, signed: false, values: {FOLLOWER: 0, CANDIDATE: 1, LEADER: 2}}

/** struct { __u64 word; union { struct { __u32 low : 20; int tag : 12 } ; __u32 raw; }; role r; __u64 big : 40; char name[6]; __u16 ports[2]; } */
const record: TypeLayout = {
  kind: 'struct', name: 'record', size: 40, members: [
    {name: 'word', bitOffset: 0, bitSize: 0, type: u64},
    {name: '', bitOffset: 64, bitSize: 0, type: {kind: 'union', name: '', size: 4, members: [
      {name: '', bitOffset: 0, bitSize: 0, type: {kind: 'struct', name: '', size: 4, members: [
        {name: 'low', bitOffset: 0, bitSize: 20, type: u32},
        {name: 'tag', bitOffset: 20, bitSize: 12, type: s32},
      ]}},
      {name: 'raw', bitOffset: 0, bitSize: 0, type: u32},
    ]}},
    {name: 'r', bitOffset: 96, bitSize: 0, type: role},
    {name: 'big', bitOffset: 128, bitSize: 40, type: u64},
    {name: 'name', bitOffset: 192, bitSize: 0, type: {kind: 'array', size: 6, length: 6, element: char}},
    {name: 'ports', bitOffset: 256, bitSize: 0, type: {kind: 'array', size: 4, length: 2, element: u16}},
  ],
}

describe('layout', () => {
  test('decode reads fields by layout, flattening anonymous members', () => {
    const buf = Buffer.alloc(40, 0xee) // padding bytes hold garbage and must be ignored
    buf.writeBigUInt64LE(0x1122334455667788n, 0)
    buf.writeUInt32LE(((0xfff << 20) | 0xabcde) >>> 0, 8) // tag = -1, low = 0xabcde
    buf.writeUInt32LE(2, 12)
    buf.writeBigUInt64LE(0xeeeeee0102030405n, 16) // big: low 40 bits only
    buf.write('raft\0x', 24, 'latin1')
    buf.writeUInt16LE(5405, 32)
    buf.writeUInt16LE(80, 34)
    assert.deepEqual(decode(record, buf), {
      word: 0x1122334455667788n, low: 0xabcde, tag: -1, raw: 0xfffabcde, r: 'LEADER', big: 0x0102030405n, name: 'raft', ports: [5405, 80],
    })
  })

  test('bitfields across byte boundaries, up to 32 bits as numbers, wider ones as bigints', () => {
    // struct { __u64 flag : 3; int wide : 32; role r : 8; __u64 rest : 21 }: wide spans five bytes
    const packed: TypeLayout = {kind: 'struct', name: 'packed', size: 8, members: [
      {name: 'flag', bitOffset: 0, bitSize: 3, type: u64},
      {name: 'wide', bitOffset: 3, bitSize: 32, type: s32},
      {name: 'r', bitOffset: 35, bitSize: 8, type: role},
      {name: 'rest', bitOffset: 43, bitSize: 21, type: u64},
    ]}
    const word = 5n | (BigInt.asUintN(32, -123456789n) << 3n) | (2n << 35n) | (0x1abcden << 43n)
    const buf = Buffer.alloc(8)
    buf.writeBigUInt64LE(word)
    assert.deepEqual(decode(packed, buf), {flag: 5, wide: -123456789, r: 'LEADER', rest: 0x1abcde})
    assert.deepEqual(encode(packed, {flag: 5, wide: -123456789, r: 'LEADER', rest: 0x1abcde}), buf)
  })

  test('an enum value with no enumerator decodes as its number', () => {
    const buf = Buffer.alloc(4)
    buf.writeUInt32LE(9)
    assert.equal(decode(role, buf), 9)
  })

  test('decode at an offset, and refuses a short buffer', () => {
    const buf = Buffer.from([0, 0, 0x34, 0x12])
    assert.equal(decode(u16, buf, 2), 0x1234)
    assert.throws(() => decode(record, Buffer.alloc(8)), RangeError)
  })

  test('encode is the inverse of decode, zero-filling what is not given', () => {
    const value = {word: 7n, low: 0x12345, tag: -2048, r: 'CANDIDATE', big: (1n << 40n) - 1n, name: 'node1', ports: [1, 2]}
    const buf = encode(record, value)
    assert.equal(buf.length, 40)
    assert.deepEqual(decode(record, buf), {...value, raw: ((-2048 & 0xfff) << 20 | 0x12345) >>> 0})
    for (const [start, end] of [[21, 24], [30, 32], [36, 40]]) assert.ok(buf.subarray(start, end).every((b) => b === 0), `padding ${start}-${end} is zero`)
    const partial = encode(record, {r: 1})
    assert.deepEqual(decode(record, partial), {word: 0n, low: 0, tag: 0, raw: 0, r: 'CANDIDATE', big: 0n, name: '', ports: [0, 0]})
  })

  test('encode refuses unknown fields, unknown enumerators and values that do not fit', () => {
    assert.throws(() => encode(record, {wrod: 1}), /has no field wrod/)
    assert.throws(() => encode(record, {r: 'BOSS'}), /BOSS is not an enumerator of enum role/)
    assert.throws(() => encode(record, {low: 1 << 20}), /low: 1048576 does not fit in 20 unsigned bits/)
    assert.throws(() => encode(record, {tag: 2048}), /tag: 2048 does not fit in 12/)
    assert.throws(() => encode(record, {name: 'much too long'}), /do not fit in 6/)
    assert.throws(() => encode(u8, 256), /does not fit in 8 unsigned bits/)
    assert.throws(() => encode(record, {word: 1.5}), /expected an integer/)
  })

  test('encode of a scalar key, and into a larger buffer', () => {
    assert.deepEqual(encode(u32, 258), Buffer.from([2, 1, 0, 0]))
    assert.deepEqual(encode(u32, 258, 8), Buffer.from([2, 1, 0, 0, 0, 0, 0, 0]))
    assert.deepEqual(encode(s32, -1), Buffer.from([0xff, 0xff, 0xff, 0xff]))
  })

  test('fieldOffset walks dotted paths through anonymous members and arrays', () => {
    assert.deepEqual(fieldOffset(record, 'word'), {offset: 0, size: 8})
    assert.deepEqual(fieldOffset(record, 'raw'), {offset: 8, size: 4})
    assert.deepEqual(fieldOffset(record, 'r'), {offset: 12, size: 4})
    assert.deepEqual(fieldOffset(record, 'ports[1]'), {offset: 34, size: 2})
    assert.deepEqual(fieldOffset(record, 'ports.1'), {offset: 34, size: 2})
    assert.throws(() => fieldOffset(record, 'nope'), /has no member nope/)
    assert.throws(() => fieldOffset(record, 'low'), /bitfield/)
    assert.throws(() => fieldOffset(record, 'ports[2]'), /beyond/)
    assert.throws(() => fieldOffset(record, 'word.x'), /not inside a struct/)
  })
})
