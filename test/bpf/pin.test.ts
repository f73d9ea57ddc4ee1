// Pinned maps: opened by path in this process and in another one, and reused by a second load
// with the same pin root (what keeps a node's term and vote across restarts).
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {after, before, describe, test} from 'node:test'
import {BpfMap, BpfObject, decode, encode} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {failed, ok, runDriver} from '../helpers/driver.js'
import {fixtureFrame} from '../helpers/frames.js'
import {fixtureObject} from '../helpers/paths.js'

const ZERO = Buffer.alloc(4)

describe('pinned maps', () => {
  let pinDir: string
  let object: BpfObject

  before(async () => {
    pinDir = makePinDir('pin')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
  })

  after(() => {
    object?.close()
    removePinDir(pinDir)
  })

  test('maps declared LIBBPF_PIN_BY_NAME are pinned under the pin root, others are not', () => {
    assert.ok(existsSync(`${pinDir}/fx_pinned`))
    assert.ok(existsSync(`${pinDir}/fx_shared`))
    assert.ok(!existsSync(`${pinDir}/fx_hash`))
  })

  test('a fresh handle opened by path is the same map', async () => {
    const fresh = BpfMap.openPinned(`${pinDir}/fx_shared`)
    try {
      const shared = object.map('fx_shared')
      assert.equal(fresh.id, shared.id)
      assert.equal(fresh.name, 'fx_shared')
      assert.equal(fresh.type, 'array')
      assert.equal(fresh.valueSize, shared.valueSize)
      assert.equal(fresh.valueLayout?.kind === 'struct' && fresh.valueLayout.name, 'fx_state')
      fresh.update(ZERO, encode(fresh.valueLayout!, {word: 500n}))
      await object.program('fx_main').testRun(fixtureFrame())
      assert.equal((decode(fresh.valueLayout!, fresh.lookup(ZERO)!) as {word: bigint}).word, 501n)
    } finally {
      fresh.close()
    }
  })

  test('another process reads and writes the pinned map by path, decoding by its BTF', () => {
    const pin = `${pinDir}/fx_shared`
    const shared = object.map('fx_shared')
    shared.update(ZERO, encode(shared.valueLayout!, {word: 7n, kernel_wins: 3n}))
    const [read, write, missing] = runDriver([
      {op: 'readMap', mapPin: pin, key: ZERO.toString('hex')},
      {op: 'writeMap', mapPin: pin, key: ZERO.toString('hex'), value: {word: 8, kernel_retries: 5}},
      {op: 'readMap', mapPin: `${pinDir}/absent`, key: ZERO.toString('hex')},
    ])
    // bigints cross the process boundary as decimal strings
    assert.deepEqual(ok(read), {word: '7', kernel_wins: '3', kernel_retries: '0'})
    ok(write)
    assert.deepEqual(decode(shared.valueLayout!, shared.lookup(ZERO)!), {word: 8n, kernel_wins: 0n, kernel_retries: 5n})
    assert.equal(failed(missing).code, 'ENOENT')
  })

  test('a second load with the same pin root reuses the pinned maps and their contents', async () => {
    const pinned = object.map('fx_pinned')
    pinned.update(ZERO, Buffer.from('2a00000000000000', 'hex'))
    const second = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
    try {
      assert.equal(second.map('fx_pinned').id, pinned.id, 'same kernel map')
      assert.equal(second.map('fx_shared').id, object.map('fx_shared').id)
      assert.notEqual(second.map('fx_hash').id, object.map('fx_hash').id, 'unpinned maps are private to each load')
      await second.program('fx_main').testRun(fixtureFrame())
      assert.equal(pinned.lookup(ZERO)!.readBigUInt64LE(0), 43n, "the second load's program counted in the first load's map")
    } finally {
      second.close()
    }
    assert.ok(existsSync(`${pinDir}/fx_pinned`), 'closing an object leaves its pins')
  })

  test('a load without a pin root pins nothing and shares nothing', async () => {
    const loose = await BpfObject.load(fixtureObject('binding'))
    try {
      assert.notEqual(loose.map('fx_pinned').id, object.map('fx_pinned').id)
      assert.ok(!existsSync('/sys/fs/bpf/fx_pinned'), 'nothing pinned at the bpffs root')
    } finally {
      loose.close()
    }
  })

  test('map pin and unpin by path', () => {
    const path = `${pinDir}/extra/fx_hash`
    const hash = object.map('fx_hash')
    hash.pin(path)
    const opened = BpfMap.openPinned(path)
    assert.equal(opened.id, hash.id)
    opened.close()
    hash.unpin(path)
    assert.ok(!existsSync(path))
  })
})
