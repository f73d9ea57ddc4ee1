/**
 * Worker thread for the shared-word race: opens the pinned mmapable map itself (its own addon
 * instance), reports ready, and on "go" adds one to the word `increments` times by
 * compare-and-swap, retrying each lost race; then reports how many races it lost.
 */
import {parentPort, workerData} from 'node:worker_threads'
import {BpfMap, fieldOffset} from '../../src/bpf/index.js'

const {mapPin, field, increments} = workerData as {mapPin: string; field: string; increments: number}
const map = BpfMap.openPinned(mapPin)
const memory = map.mmap()
const {offset} = fieldOffset(map.valueLayout!, field)

parentPort!.once('message', () => {
  let lost = 0
  for (let i = 0; i < increments; i++) {
    let seen = memory.loadU64(offset)
    for (;;) {
      const previous = memory.compareExchangeU64(offset, seen, seen + 1n)
      if (previous === seen) break
      lost++
      seen = previous
    }
  }
  memory.close()
  map.close()
  parentPort!.postMessage({lost})
})
parentPort!.postMessage('ready')
