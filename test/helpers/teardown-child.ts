/**
 * A separate process for the binding tests that are about how a process ends: each scenario
 * (argv[2]) ends an environment while the addon still has work on the go (open ring buffers with
 * records flowing, a test-run in flight), which used to abort the whole process, has a record
 * handler throw, or runs out of file descriptors. The fixture object is argv[3]. Prints 'done' once
 * the scenario has run; the test then checks how the process ended and what it printed.
 *
 * The same file is the worker thread of the worker scenarios (workerData.role).
 */
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads'
import {BpfObject, RingBuffer} from '../../src/bpf/index.js'
import {fixtureFrame} from './frames.js'

/** The scenarios; the test expects each to exit with status 0 unless noted. */
export type TeardownScenario =
  /** Leaves several ring buffers open and lets the process end on its own. */
  | 'end-with-open-rings'
  /** Calls process.exit() while records pour into several open ring buffers and test-runs are in flight. */
  | 'exit-while-flowing'
  /** Repeatedly terminates a worker whose ring buffers are receiving records. */
  | 'terminate-worker-while-flowing'
  /** Repeatedly terminates a worker with a long test-run in flight. */
  | 'terminate-worker-during-test-run'
  /** A record handler throws, with an 'uncaughtException' listener: prints `uncaught: <message>`. */
  | 'throwing-handler-caught'
  /** A record handler throws, with no listener: the process must die of it (status 1, message on stderr). */
  | 'throwing-handler-uncaught'
  /** Opens ring buffers until one fails (run it under a low RLIMIT_NOFILE); prints {opened, error} as JSON. */
  | 'open-until-fd-limit'

type WorkerRole = 'flood' | 'test-run'

const RINGS = 4
const FLOOD_REPEAT = 200

/** Keeps the fixture's program emitting records until `stop()` says otherwise. */
function flood(object: BpfObject, stop: () => boolean): Promise<void> {
  const program = object.program('fx_main')
  return (async () => {
    while (!stop()) await program.testRun(fixtureFrame(), {repeat: FLOOD_REPEAT})
  })()
}

function openRings(object: BpfObject, onRecord: (record: Buffer) => void = () => {}): RingBuffer[] {
  return Array.from({length: RINGS}, () => new RingBuffer(object.map('fx_events'), onRecord))
}

async function worker(role: WorkerRole, objectPath: string): Promise<void> {
  const object = await BpfObject.load(objectPath)
  if (role === 'test-run') {
    // About a second of kernel time: the worker is terminated long before it completes.
    void object.program('fx_pass').testRun(fixtureFrame(), {repeat: 5_000_000}).catch(() => {})
    parentPort!.postMessage('running')
    return
  }
  let records = 0
  openRings(object, () => records++)
  void flood(object, () => false).catch(() => {})
  while (records < 100) await new Promise((resolve) => setTimeout(resolve, 1))
  parentPort!.postMessage('running')
}

/** Starts a worker in `role` and terminates it as soon as it reports that it is running, `times` times. */
async function terminateWorkers(role: WorkerRole, objectPath: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const child = new Worker(new URL(import.meta.url), {workerData: {role, objectPath}})
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve())
      child.once('error', reject)
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before running`)))
    })
    await child.terminate()
  }
}

async function main(scenario: TeardownScenario, objectPath: string): Promise<void> {
  const object = await BpfObject.load(objectPath)
  switch (scenario) {
    case 'end-with-open-rings': {
      let records = 0
      openRings(object, () => records++)
      await object.program('fx_main').testRun(fixtureFrame(), {repeat: 10})
      // The rings share the map's records (one consumer position): count them all together.
      while (records < 10) await new Promise((resolve) => setTimeout(resolve, 1))
      console.log('done')
      return // the rings stay open; the process ends with them
    }
    case 'exit-while-flowing': {
      let records = 0
      openRings(object, () => records++)
      for (let i = 0; i < 4; i++) void flood(object, () => false).catch(() => {})
      while (records < 1000) await new Promise((resolve) => setTimeout(resolve, 1))
      console.log('done')
      process.exit(0)
    }
    case 'terminate-worker-while-flowing':
      await terminateWorkers('flood', objectPath, 10)
      break
    case 'terminate-worker-during-test-run':
      await terminateWorkers('test-run', objectPath, 3)
      break
    case 'throwing-handler-caught':
    case 'throwing-handler-uncaught': {
      if (scenario === 'throwing-handler-caught') {
        process.on('uncaughtException', (error) => {
          console.log(`uncaught: ${error.message}`)
          process.exit(0)
        })
      }
      new RingBuffer(object.map('fx_events'), () => {
        throw new Error('handler failed')
      })
      await object.program('fx_main').testRun(fixtureFrame())
      console.log('done')
      // Only the exception ends the process: keep it alive without a timer that could mask it.
      setTimeout(() => console.log('no exception surfaced'), 2000)
      return
    }
    case 'open-until-fd-limit': {
      const rings: RingBuffer[] = []
      try {
        while (rings.length < 10_000) rings.push(new RingBuffer(object.map('fx_events'), () => {}))
        console.log(JSON.stringify({opened: rings.length}))
      } catch (error) {
        const {name, message, code} = error as Error & {code?: string}
        console.log(JSON.stringify({opened: rings.length, error: {name, message, code}}))
      }
      for (const ring of rings) ring.close()
      break
    }
  }
  object.close()
  console.log('done')
}

if (isMainThread) {
  await main(process.argv[2] as TeardownScenario, process.argv[3])
} else {
  const {role, objectPath} = workerData as {role: WorkerRole; objectPath: string}
  await worker(role, objectPath)
}
