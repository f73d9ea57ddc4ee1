// The shared-state rule (DESIGN.md): kernel-side votes racing userspace candidacies on the same
// word never produce two votes in one term; the interleaving a plain write would lose is shown
// deterministically.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {Worker} from 'node:worker_threads'
import {raftFrame} from './frames.js'
import {CLUSTER_ID, KernelNode} from './harness.js'

const REQUESTS = 20_000

let node: KernelNode
before(async () => {
  node = await KernelNode.load()
})
after(() => node?.close())

/** Races kernel VoteRequests against userspace candidacies; returns the votes cast per term. */
async function race() {
  node.reset({term: 1n, votedFor: 0, role: 'follower'})
  const votes = new Map<string, Set<number>>()
  const record = (term: string, id: number) => votes.set(term, (votes.get(term) ?? new Set()).add(id))
  const stop = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(new URL('./cas-worker.js', import.meta.url), {
    workerData: {statePin: node.pinPath('raft_state'), stop},
  })
  const userspace = new Promise<{selfVotes: string[]; lostRaces: number}>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  let kernelGrants = 0
  for (let sent = 0; sent < REQUESTS; sent += 64) {
    const batch = Array.from({length: 64}, (_, i) => {
      const term = node.store.load().term + BigInt(i % 3)
      const senderId = 2 + ((sent + i) % 4)
      const frame = raftFrame({type: 'VoteRequest', flag: false, clusterId: CLUSTER_ID, senderId, term, echo: 0n})
      return node.run(frame).then(({message}) => ({candidate: senderId, message}))
    })
    for (const {candidate, message} of await Promise.all(batch)) {
      if (!message?.flag) continue
      kernelGrants++
      record(String(message.term), candidate)
    }
  }
  Atomics.store(stop, 0, 1)
  const {selfVotes, lostRaces} = await userspace
  for (const term of selfVotes) record(term, 1)
  const doubleVotes = [...votes].filter(([, ids]) => ids.size > 1).map(([term, ids]) => `term ${term}: ${[...ids]}`)
  return {kernelGrants, selfVotes: selfVotes.length, lostRaces, doubleVotes}
}

test('kernel votes racing userspace candidacies by CAS: at most one vote per term', async () => {
  const r = await race()
  assert.ok(r.kernelGrants > 0 && r.selfVotes > 0, `both sides voted: ${r.kernelGrants} kernel, ${r.selfVotes} userspace`)
  assert.ok(r.lostRaces > 0, 'the userspace CAS lost races to the kernel: the two really interleaved')
  assert.deepEqual(r.doubleVotes, [], 'no term with two votes')
})

test('the interleaving a plain read-then-write loses is a double vote; compare-and-swap refuses it', async () => {
  // Deterministically, the interleaving the race above hunts for: userspace reads the word, the
  // kernel grants a vote in the next term, then userspace writes its own candidacy for that term.
  node.reset({term: 1n, votedFor: 0, role: 'follower'})
  const read = node.store.load()
  const candidacy = {term: read.term + 1n, votedFor: 1, role: 'candidate' as const}
  const request = raftFrame({type: 'VoteRequest', flag: false, clusterId: CLUSTER_ID, senderId: 2, term: 2n, echo: 0n})
  const {message} = await node.run(request)
  assert.deepEqual([message?.flag, message?.term], [true, 2n], 'the kernel voted for n2 in term 2')
  assert.equal(node.store.compareAndSwap(read, candidacy), false, 'CAS sees the word changed and refuses')
  // what a plain store of `candidacy` would overwrite: the vote n2 was already told it has
  assert.deepEqual(node.store.load(), {term: 2n, votedFor: 2, role: 'follower'})
})
