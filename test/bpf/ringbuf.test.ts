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
import {assertCleanExit, runChild} from '../helpers/teardown.js'
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

  test('a process ends cleanly with several ring buffers left open', () => {
    assertCleanExit(runChild('end-with-open-rings'))
  })

  test('process.exit() while records pour into several open ring buffers ends the process cleanly', () => {
    for (let i = 0; i < 3; i++) assertCleanExit(runChild('exit-while-flowing'))
  })

  test('terminating workers whose ring buffers are receiving records leaves the process running', () => {
    assertCleanExit(runChild('terminate-worker-while-flowing'))
  })

  test('an exception thrown by the record handler surfaces as an uncaught exception', () => {
    const caught = runChild('throwing-handler-caught')
    assertCleanExit(caught)
    assert.match(caught.stdout, /^uncaught: handler failed$/m)
    assert.doesNotMatch(caught.stderr, /DEP0168/)

    const uncaught = runChild('throwing-handler-uncaught')
    assert.equal(uncaught.signal, null, uncaught.stderr)
    assert.equal(uncaught.status, 1, `an uncaught exception exits with status 1: ${uncaught.stdout}${uncaught.stderr}`)
    assert.match(uncaught.stderr, /Error: handler failed/)
    assert.doesNotMatch(uncaught.stdout, /no exception surfaced/)
  })

  test('a map takes more than 500 ring buffers (no nested epoll, whose kernel limit is 500)', async () => {
    const count = 600
    let records = 0
    const rings: RingBuffer[] = []
    try {
      for (let i = 0; i < count; i++) rings.push(new RingBuffer(object.map('fx_events'), () => records++))
      await object.program('fx_main').testRun(fixtureFrame())
      // Every poll thread is alive and answers; the record went to whichever ring consumed it.
      await Promise.all(rings.map((ring) => ring.flush()))
      assert.ok(records >= 1, 'the record was delivered')
    } finally {
      for (const ring of rings) ring.close()
    }
  })

  test('running out of file descriptors names the limit', () => {
    const child = runChild('open-until-fd-limit', {fdLimit: 256})
    assertCleanExit(child)
    const {opened, error} = JSON.parse(child.stdout.split('\n')[0]) as {opened: number; error?: {name: string; message: string; code: string}}
    assert.ok(opened > 0 && opened < 64, `opened ${opened} ring buffers under a limit of 256 fds`)
    assert.equal(error?.name, 'BpfError')
    assert.equal(error?.code, 'EMFILE')
    assert.match(error!.message, /^open ring buffer fx_events: too many open files: each ring buffer holds 4 file descriptors and this process may open 256 \(RLIMIT_NOFILE\) \(EMFILE\)$/)
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
