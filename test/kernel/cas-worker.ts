// Userspace side of the shared-state race: candidacies by compare-and-swap on the mmap'd word,
// run in a worker thread for as long as the main thread feeds the kernel VoteRequests.
import {parentPort, workerData} from 'node:worker_threads'
import {BpfMap, fieldOffset} from '../../src/bpf/index.js'
import {packHardState, unpackHardState} from '../../src/dataplane/hard-state.js'

const {statePin, stop} = workerData as {statePin: string; stop: Int32Array}
const map = BpfMap.openPinned(statePin)
const memory = map.mmap()
const offset = fieldOffset(map.valueLayout!, 'hard.word').offset
const pause = new Int32Array(new SharedArrayBuffer(4))
const selfVotes: string[] = []
let lostRaces = 0
let spin = 0
while (Atomics.load(stop, 0) === 0) {
  const word = memory.loadU64(offset)
  const current = unpackHardState(word)
  const next = packHardState({term: current.term + 1n, votedFor: 1, role: 'candidate'})
  // widen the window between the read and the CAS, as a busy event loop would
  for (let j = 0; j < 2000; j++) spin += j
  if (memory.compareExchangeU64(offset, word, next) === word) {
    selfVotes.push(String(current.term + 1n))
  } else {
    lostRaces++
  }
  // pace candidacies so the kernel's requests keep landing in live terms
  Atomics.wait(pause, 0, 0, 0.1)
}
memory.close()
map.close()
parentPort!.postMessage({selfVotes, lostRaces, spin})
