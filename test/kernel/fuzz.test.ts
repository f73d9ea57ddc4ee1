// Fuzzing the XDP program with random, truncated and bit-flipped frames through prog test-run.
import assert from 'node:assert/strict'
import {after, before, test} from 'node:test'
import {RAFT_MAX_TERM, messageCodes, type WireMessage} from '../../src/dataplane/wire.js'
import {classify, validAction} from './classify.js'
import {buildFrame, raftFrame, type FrameSpec} from './frames.js'
import {CLUSTER_ID, KernelNode, XDP_DROP, XDP_PASS} from './harness.js'

const FRAMES = 100_000
const SEED = Number(process.env.RAFTCTL_FUZZ_SEED ?? 20261203)

/** mulberry32: a small seeded PRNG so a failure can be replayed with RAFTCTL_FUZZ_SEED. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: T[]): T => items[int(items.length)]
  return {next, int, pick}
}

type Rng = ReturnType<typeof prng>

function randomMessage(rng: Rng): WireMessage {
  const types = Object.keys(messageCodes) as WireMessage['type'][]
  return {
    type: rng.pick(types),
    flag: rng.next() < 0.5,
    clusterId: rng.next() < 0.9 ? CLUSTER_ID : rng.int(16),
    senderId: rng.pick([1, 2, 3, 4, 5, 6, 9, 0, 65535, 65537]),
    term: rng.pick([0n, 1n, 5n, 6n, 7n, BigInt(rng.int(1000)), RAFT_MAX_TERM, RAFT_MAX_TERM + 1n, 2n ** 64n - 1n]),
    echo: BigInt(rng.int(2 ** 31)),
  }
}

function randomSpec(rng: Rng): Partial<FrameSpec> {
  const spec: Partial<FrameSpec> = {}
  if (rng.next() < 0.15) spec.vlanIds = Array.from({length: 1 + rng.int(3)}, () => rng.int(4096))
  if (rng.next() < 0.15) spec.ipOptions = Buffer.alloc(4 * (1 + rng.int(10)), rng.int(256))
  if (rng.next() < 0.05) spec.fragment = rng.pick([0x2000, 0x0001, 0x3fff])
  if (rng.next() < 0.05) spec.ethertype = rng.pick([0x86dd, 0x0806, 0x88a8, 0x8100])
  if (rng.next() < 0.05) spec.udpLength = rng.int(48)
  if (rng.next() < 0.05) spec.ipTotalLength = rng.int(100)
  if (rng.next() < 0.05) spec.protocol = rng.pick([6, 1, 17])
  if (rng.next() < 0.1) spec.padTo = 60 + rng.int(64)
  if (rng.next() < 0.05) spec.dstIp = rng.pick(['10.0.0.2', '10.0.0.255', '255.255.255.255', '224.0.0.1'])
  return spec
}

/** A frame: a raft frame, then maybe truncated, bit-flipped, or replaced by noise. */
function randomFrame(rng: Rng): Buffer {
  if (rng.next() < 0.05) return Buffer.from(Array.from({length: 14 + rng.int(120)}, () => rng.int(256)))
  const frame = Buffer.from(raftFrame(randomMessage(rng), randomSpec(rng)))
  if (rng.next() < 0.3) {
    for (let flips = 1 + rng.int(4); flips > 0; flips--) frame[rng.int(frame.length)] ^= 1 << rng.int(8)
  }
  return rng.next() < 0.2 ? frame.subarray(0, 14 + rng.int(frame.length - 13)) : frame
}

let node: KernelNode
before(async () => {
  node = await KernelNode.load()
})
after(() => node?.close())

test(`${FRAMES} random, truncated and bit-flipped frames: never aborted, no state change unless valid`, async () => {
  const rng = prng(SEED)
  const counts = {pass: 0, drop: 0, valid: 0}
  node.reset({term: 5n, votedFor: 0, role: 'follower'})
  for (let i = 0; i < FRAMES; i++) {
    if (i % 1000 === 0) node.reset({term: 5n, votedFor: 0, role: rng.pick(['follower', 'candidate', 'leader'] as const)})
    const frame = rng.next() < 0.02 ? buildFrame({payload: Buffer.alloc(rng.int(64))}) : randomFrame(rng)
    const verdict = classify(frame)
    counts[verdict.kind]++
    const before = {hard: node.store.load(), timer: node.maps.readState().timerResetKtimeNs}
    const {action} = await node.run(frame)
    const where = `frame ${i} (seed ${SEED}): ${frame.toString('hex')}`
    assert.notEqual(action, 0, `XDP_ABORTED for ${where}`)
    if (verdict.kind === 'valid') {
      const type = verdict.message.type
      assert.equal(action, validAction(type), `valid ${type} got ${action}: ${where}`)
      // A PreVote never changes state, except a refusal's higher term (rule 1); it never resets the timer.
      const unchanged = type === 'PreVoteRequest' || (type === 'PreVoteResponse' && (verdict.message.flag || verdict.message.term <= before.hard.term))
      if (unchanged) assert.deepEqual(node.store.load(), before.hard, `state changed by ${where}`)
      if (type.startsWith('PreVote')) assert.equal(node.maps.readState().timerResetKtimeNs, before.timer, `timer reset by ${where}`)
      continue
    }
    assert.equal(action, verdict.kind === 'pass' ? XDP_PASS : XDP_DROP, `wrong action for ${where}`)
    assert.deepEqual(node.store.load(), before.hard, `state changed by ${where}`)
    assert.equal(node.maps.readState().timerResetKtimeNs, before.timer, `timer reset by ${where}`)
  }
  // The generator must really exercise every path, or the test proves little.
  for (const kind of ['pass', 'drop', 'valid'] as const) assert.ok(counts[kind] > FRAMES / 50, `${kind}: ${counts[kind]}`)
})
