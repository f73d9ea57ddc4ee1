/**
 * The generic pieces of raftctl's output, without a kernel: BTF layouts flattened into dotted
 * columns, times and durations, JSON without bigints, and one-line errors.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Errors} from '@oclif/core'
import type {Layout} from '../../src/bpf/index.js'
import {RaftctlError} from '../../src/errors.js'
import {flattenRecord} from '../../src/render/btf-rows.js'
import {UsageError, exitCodeOf, oneLineMessage} from '../../src/render/command-base.js'
import {formatDurationNs, formatKtimeNs, jsonSafe, parseDurationMs} from '../../src/render/format.js'
import {displayCell} from '../../src/render/map-tables.js'

const u32 = {kind: 'int', size: 4, name: 'unsigned int', typedef: '__u32'} as Layout
const u64 = {kind: 'int', size: 8, name: 'unsigned long long', typedef: '__u64'} as Layout
const be32 = {kind: 'int', size: 4, name: 'unsigned int', typedef: '__be32'} as Layout
const role = {kind: 'enum', size: 4, name: 'raft_role', values: {RAFT_FOLLOWER: 0}} as unknown as Layout
const member = (name: string, type: Layout, bitOffset: number, bitSize = 0) => ({name, type, bitOffset, bitSize})
const struct = (name: string, size: number, members: ReturnType<typeof member>[]) => ({kind: 'struct', size, name, members}) as Layout
const union = (name: string, members: ReturnType<typeof member>[]) => ({kind: 'union', size: 8, name, members}) as Layout

/** A shape like struct raft_state: a union of a word and bitfields, padding, nested structs. */
const stateLayout = struct('state', 32, [
  member('hard', union('raft_hard', [
    member('word', u64, 0),
    member('f', struct('raft_hard_fields', 8, [member('term', u64, 0, 46), member('voted_for', u64, 46, 16), member('role', role, 62, 2)]), 0),
  ]), 0),
  member('last_ack_ktime_ns', u64, 64),
  member('rtt_ns', u64, 128),
  member('leader_id', u32, 192),
  member('_pad', u32, 224),
])

describe('flattenRecord', () => {
  it('shows the bitfield member of a union in dotted columns and leaves padding out', () => {
    const decoded = {hard: {word: 99n, f: {term: 5n, voted_for: 3n, role: 'RAFT_FOLLOWER'}}, last_ack_ktime_ns: 0n, rtt_ns: 1_240_000n, leader_id: 2, _pad: 7}
    assert.deepEqual(flattenRecord(stateLayout, decoded, Buffer.alloc(32), 'value'), {
      'hard.f.term': 5n, 'hard.f.voted_for': 3n, 'hard.f.role': 'RAFT_FOLLOWER', last_ack_ktime_ns: 0n, rtt_ns: 1_240_000n, leader_id: 2,
    })
  })

  it('reads a __be32 addr as dotted IPv4 from the raw network-order bytes', () => {
    const key = struct('raft_peer_key', 4, [member('addr', be32, 0)])
    const raw = Buffer.from([10, 77, 0, 2])
    assert.deepEqual(flattenRecord(key, {addr: raw.readUInt32LE()}, raw, 'key'), {addr: '10.77.0.2'})
  })

  it('names a scalar key by its role', () => {
    assert.deepEqual(flattenRecord(u32, 0, Buffer.alloc(4), 'key'), {key: 0})
  })
})

describe('formatting', () => {
  it('durations have three significant digits and a unit', () => {
    assert.deepEqual([35n, 1_240_000n, 120_400_000n, 2_500_000_000n, 300_000_000_000n].map((ns) => formatDurationNs(ns)),
      ['35 ns', '1.24 ms', '120 ms', '2.5 s', '5 min'])
  })

  it('kernel timestamps are relative to the monotonic clock; 0 is never', () => {
    assert.equal(formatKtimeNs(0n), 'never')
    assert.equal(formatKtimeNs(1_000_000_000n, 1_120_000_000n), '120 ms ago')
    const recent = displayCell('f.last_ack_ktime_ns', process.hrtime.bigint() - 50_000_000n, process.hrtime.bigint())
    assert.match(String(recent), /^5\d\.?\d* ms ago$/)
    assert.equal(displayCell('rtt_ns', 1_240_000n, 0n), '1.24 ms')
    assert.equal(displayCell('acks', 4n, 0n), '4')
  })

  it('JSON-safe copies turn bigints into strings at any depth', () => {
    const safe = jsonSafe({term: 1n, rows: [{rx: 2n, name: 'a'}], n: 3})
    assert.equal(JSON.stringify(safe), '{"term":"1","rows":[{"rx":"2","name":"a"}],"n":3}')
  })

  it('intervals parse from ms, s, m or bare seconds', () => {
    assert.deepEqual(['500ms', '1s', '2m', '3', 'soon', '-1s'].map(parseDurationMs), [500, 1000, 120_000, 3000, undefined, undefined])
  })
})

describe('one-line errors', () => {
  it('keeps a RaftctlError message and its exit code', () => {
    const error = new RaftctlError('bpffs is not mounted at /sys/fs/bpf; mount it with: mount -t bpf bpf /sys/fs/bpf')
    assert.equal(oneLineMessage(error, 'raftctl attach'), error.message)
    assert.equal(exitCodeOf(error), 1)
    assert.equal(exitCodeOf(new RaftctlError('bad', {exitCode: 2})), 2)
  })

  it('strips oclif framing from flag errors and points at --help', () => {
    const error = new UsageError('--port must be a whole number from 1 to 65535 (a UDP port), not "0"')
    error.message = `Parsing --port \n\t${error.message}\nSee more help with --help`
    assert.equal(oneLineMessage(error, 'raftctl attach'),
      '--port must be a whole number from 1 to 65535 (a UDP port), not "0"; see: raftctl attach --help')
    assert.equal(exitCodeOf(error), 2)
  })

  it('an unknown error keeps its message and exits 1', () => {
    assert.equal(oneLineMessage(new Error('boom\nsecond line'), 'raftctl status'), 'boom; second line')
    assert.equal(exitCodeOf(new Errors.CLIError('x', {exit: 3})), 3)
    assert.equal(exitCodeOf(new TypeError('x')), 1)
  })
})
