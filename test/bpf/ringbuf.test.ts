// Ring buffers: records the program submits during test-runs arrive in JS, in order, decodable
// by BTF; close() stops delivery; an open ring buffer does not keep the process alive.
import assert from 'node:assert/strict'
import {once} from 'node:events'
import {readFileSync, readdirSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'
import {Worker} from 'node:worker_threads'
import {after, before, describe, test} from 'node:test'
import {BpfObject, RingBuffer, decode, type TypeLayout} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {ok, runDriver} from '../helpers/driver.js'
import {FX_CMD_FULL, fixtureFrame} from '../helpers/frames.js'
import {fixtureObject, helperScript} from '../helpers/paths.js'
import {waitFor} from '../helpers/waiting.js'

interface FxEvent {
  ktime_ns: bigint
  word: bigint
  ifindex: number
  len: number
  command: number
  color: string
}

describe('RingBuffer', () => {
  let pinDir: string
  let object: BpfObject
  let eventLayout: TypeLayout

  before(async () => {
    pinDir = makePinDir('ringbuf')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
    eventLayout = object.findType('fx_event')!
  })

  after(() => {
    object?.close()
    removePinDir(pinDir)
  })

  test('delivers each record submitted during test-runs, in order', async () => {
    const events: FxEvent[] = []
    const ring = new RingBuffer(object.map('fx_events'), (record) => events.push(decode(eventLayout, record) as unknown as FxEvent))
    try {
      const program = object.program('fx_main')
      for (const length of [60, 61, 62]) await program.testRun(fixtureFrame(FX_CMD_FULL, length))
      await waitFor('three ring-buffer records', () => events.length >= 3)
      assert.deepEqual(events.map((e) => e.len), [60, 61, 62])
      assert.ok(events.every((e) => e.color === 'FX_BLUE' && e.command === FX_CMD_FULL && e.ifindex === 1))
      assert.equal(events[1].word, events[0].word + 1n, 'each run advanced the shared word once')
      assert.ok(events[0].ktime_ns > 0n && events[0].ktime_ns <= events[2].ktime_ns)
    } finally {
      ring.close()
    }
  })

  test('flush() resolves once every record submitted before it was delivered', async () => {
    const records: Buffer[] = []
    const ring = new RingBuffer(object.map('fx_events'), (record) => records.push(record))
    try {
      const program = object.program('fx_main')
      for (let round = 1; round <= 20; round++) {
        await program.testRun(fixtureFrame())
        await program.testRun(fixtureFrame())
        await ring.flush()
        assert.equal(records.length, round * 2, `round ${round}: both records of this round were delivered`)
      }
      await Promise.all([ring.flush(), ring.flush(), ring.flush()])
    } finally {
      ring.close()
    }
    await ring.flush() // closed: resolves at once
  })

  test('records are Buffers sized as submitted', async () => {
    const records: Buffer[] = []
    const ring = new RingBuffer(object.map('fx_events'), (record) => records.push(record))
    try {
      await object.program('fx_main').testRun(fixtureFrame())
      await waitFor('a record', () => records.length === 1)
      assert.ok(Buffer.isBuffer(records[0]))
      assert.equal(records[0].length, eventLayout.size)
    } finally {
      ring.close()
    }
  })

  test('close() stops delivery and is idempotent', async () => {
    const records: Buffer[] = []
    const ring = new RingBuffer(object.map('fx_events'), (record) => records.push(record))
    ring.close()
    ring.close()
    await object.program('fx_main').testRun(fixtureFrame())
    await sleep(300)
    assert.equal(records.length, 0)
  })

  test('a map that is not a ringbuf is refused', () => {
    assert.throws(() => new RingBuffer(object.map('fx_hash'), () => {}), {
      name: 'BpfError', code: 'EINVAL', op: 'ring_buffer__new', target: 'fx_hash', message: /open ring buffer fx_hash: map is not a ringbuf/,
    })
  })

  test('terminating a worker thread releases the ring buffer it left open, poll thread included', async () => {
    const pollThreads = () => readdirSync('/proc/self/task')
      .filter((task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === 'raftctl-ringbuf').length
    const worker = new Worker(helperScript('ringbuf-worker'), {workerData: {object: fixtureObject('binding')}})
    assert.equal((await once(worker, 'message'))[0], 'open')
    const before = pollThreads()
    assert.ok(before >= 1, 'the worker\'s ring buffer has its poll thread')
    const exited = once(worker, 'exit')
    await worker.terminate()
    await exited
    assert.equal(pollThreads(), before - 1, 'the worker\'s poll thread is gone')
  })

  test('an open ring buffer does not keep a process alive', () => {
    // The driver leaves its ring buffer open after receiving a record; it must still exit.
    const started = Date.now()
    const [outcome] = runDriver([{op: 'watchRingBuffer', object: fixtureObject('binding'), program: 'fx_main', frame: fixtureFrame().toString('hex')}],
      {timeoutMs: 15_000})
    assert.equal(ok(outcome), 1)
    assert.ok(Date.now() - started < 15_000)
  })
})
