// The mmap'd shared word: userspace atomics and the program's __sync_val_compare_and_swap see
// each other, and racing both sides loses no increment.
import assert from 'node:assert/strict'
import {once} from 'node:events'
import {after, before, describe, test} from 'node:test'
import {Worker} from 'node:worker_threads'
import {BpfObject, fieldOffset, type BpfMap, type MappedMemory} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {FX_CMD_CAS, fixtureFrame} from '../helpers/frames.js'
import {fixtureObject, helperScript} from '../helpers/paths.js'

describe('MappedMemory', () => {
  let pinDir: string
  let object: BpfObject
  let shared: BpfMap
  let memory: MappedMemory
  let word: number
  let wins: number
  let retries: number

  before(async () => {
    pinDir = makePinDir('mmap')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
    shared = object.map('fx_shared')
    memory = shared.mmap()
    word = fieldOffset(shared.valueLayout!, 'word').offset
    wins = fieldOffset(shared.valueLayout!, 'kernel_wins').offset
    retries = fieldOffset(shared.valueLayout!, 'kernel_retries').offset
  })

  after(() => {
    memory?.close()
    object?.close()
    removePinDir(pinDir)
  })

  const reset = () => {
    for (const offset of [word, wins, retries]) memory.storeU64(offset, 0n)
  }

  test('covers the array values: value size rounded to 8, times max entries', () => {
    assert.equal(memory.size, 24)
  })

  test('a userspace store is what the program compares against, and its swap is what userspace loads', async () => {
    reset()
    memory.storeU64(word, 41n)
    const {data} = await object.program('fx_main').testRun(fixtureFrame())
    assert.equal(data.readBigUInt64LE(16), 41n, 'the program echoes the word it replaced')
    assert.equal(memory.loadU64(word), 42n)
    assert.equal(memory.loadU64(wins), 1n)
    assert.equal(shared.lookup(Buffer.alloc(4))!.readBigUInt64LE(word), 42n, 'the syscall view agrees')
  })

  test('compareExchangeU64 swaps only on a match and returns the previous value', async () => {
    reset()
    memory.storeU64(word, 42n)
    assert.equal(memory.compareExchangeU64(word, 41n, 100n), 42n, 'mismatch: unchanged, returns current')
    assert.equal(memory.loadU64(word), 42n)
    assert.equal(memory.compareExchangeU64(word, 42n, 100n), 42n, 'match: returns the expected value')
    assert.equal(memory.loadU64(word), 100n)
    const {data} = await object.program('fx_main').testRun(fixtureFrame())
    assert.equal(data.readBigUInt64LE(16), 100n)
    assert.equal(memory.compareExchangeU64(word, 101n, 2n ** 64n - 1n), 101n)
    assert.equal(memory.loadU64(word), 2n ** 64n - 1n)
  })

  test('u32 access shares the same bytes', () => {
    reset()
    memory.storeU64(word, 0x0000000700000005n)
    assert.equal(memory.loadU32(word), 5)
    assert.equal(memory.loadU32(word + 4), 7)
    memory.storeU32(word + 4, 9)
    assert.equal(memory.loadU64(word), 0x0000000900000005n)
    assert.equal(memory.compareExchangeU32(word, 5, 6), 5)
    assert.equal(memory.loadU32(word), 6)
  })

  test('offsets are bounds- and alignment-checked; values type-checked', () => {
    assert.throws(() => memory.loadU64(24), RangeError)
    assert.throws(() => memory.loadU64(20), RangeError)
    assert.throws(() => memory.loadU64(4), /not 8-byte aligned/)
    assert.throws(() => memory.loadU32(2), /not 4-byte aligned/)
    assert.throws(() => memory.loadU64(-8), RangeError)
    assert.throws(() => memory.storeU64(0, 1 as unknown as bigint), TypeError)
    assert.throws(() => memory.storeU64(0, -1n), RangeError)
    assert.throws(() => memory.storeU32(0, 2 ** 32), RangeError)
  })

  test('only BPF_F_MMAPABLE arrays can be mapped', () => {
    assert.throws(() => object.map('fx_hash').mmap(), {name: 'BpfError', code: 'EINVAL', message: /mmap map fx_hash: only array maps created with BPF_F_MMAPABLE/})
    assert.throws(() => object.map('fx_pinned').mmap(), {code: 'EINVAL'})
  })

  test('close() unmaps, is idempotent, and later access throws', () => {
    const other = shared.mmap()
    other.close()
    other.close()
    assert.throws(() => other.loadU64(0), /is closed/)
    assert.equal(memory.loadU64(wins) >= 0n, true, 'other mappings are unaffected')
  })

  test('a userspace CAS loop racing the program loses no increment', async (t) => {
    reset()
    const increments = 1_000_000
    const kernelRuns = 1_000_000
    const worker = new Worker(helperScript('cas-worker'), {workerData: {mapPin: `${pinDir}/fx_shared`, field: 'word', increments}})
    try {
      const [ready] = await once(worker, 'message')
      assert.equal(ready, 'ready')
      const done = once(worker, 'message')
      worker.postMessage('go')
      const run = object.program('fx_main').testRun(fixtureFrame(FX_CMD_CAS), {repeat: kernelRuns})
      const [[{lost}]] = await Promise.all([done, run])
      const kernelWins = memory.loadU64(wins)
      const kernelLost = memory.loadU64(retries)
      t.diagnostic(`userspace lost ${lost} races, the kernel ${kernelLost}`)
      assert.equal(kernelWins, BigInt(kernelRuns), 'every kernel run got its increment in within its tries')
      assert.equal(memory.loadU64(word), BigInt(increments) + kernelWins)
    } finally {
      await worker.terminate()
    }
  })
})
