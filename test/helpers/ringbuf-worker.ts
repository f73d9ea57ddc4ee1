/**
 * Worker thread that loads the fixture, opens a ring buffer and a mapping, and never closes them:
 * terminating it must make its addon instance release both (joining the poll thread).
 */
import {parentPort, workerData} from 'node:worker_threads'
import {BpfObject, RingBuffer} from '../../src/bpf/index.js'

const object = await BpfObject.load((workerData as {object: string}).object)
let records = 0
new RingBuffer(object.map('fx_events'), () => records++)
object.map('fx_shared').mmap()
parentPort!.on('message', () => parentPort!.postMessage(records))
parentPort!.postMessage('open')
