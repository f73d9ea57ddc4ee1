/** Small builders for single-node tests: a five-member config, messages, and stores that race. */
import {MemoryHardStateStore} from '../../../src/raft/store.js'
import type {HardState, HardStateStore, Message, MessageType} from '../../../src/raft/types.js'

/** T = 150 ms, heartbeat 50 ms, members 1..5 (quorum 3), seen from node 1 unless told. */
export function fiveNodeConfig(selfId = 1) {
  return {selfId, members: [1, 2, 3, 4, 5], heartbeatIntervalMs: 50, electionTimeoutMinMs: 150}
}

/** A message to node `to` (default 1). */
export function msg(type: MessageType, from: number, term: bigint, flag = false, to = 1, echo = 0n): Message {
  return {type, from, to, term, flag, echo}
}

/** A random source that always returns `value` and counts its calls. */
export function fixedRandom(value: number): (() => number) & {calls: number} {
  const f = Object.assign(() => {
    f.calls++
    return value
  }, {calls: 0})
  return f
}

/** A random source that returns `values` in turn (then repeats the last one). */
export function sequenceRandom(values: number[]): () => number {
  let i = 0
  return () => values[Math.min(i++, values.length - 1)]
}

/**
 * A store where "the kernel" can move first: `interleave(fn)` runs fn on the word just before the
 * node's next compare-and-swap, so that CAS sees a different word and loses. Every successful write is
 * kept in `writes` (by either side) so tests can check, e.g., that no term ever got two votes.
 */
export class RacingStore implements HardStateStore {
  readonly writes: HardState[] = []
  casCalls = 0
  casLost = 0
  private readonly inner: MemoryHardStateStore
  private pending: Array<(kernel: KernelSide) => void> = []

  constructor(initial: HardState) {
    this.inner = new MemoryHardStateStore(initial)
  }

  /** Run `fn` as the other writer right before the node's next compare-and-swap. */
  interleave(fn: (kernel: KernelSide) => void): void {
    this.pending.push(fn)
  }

  /** Let the other writer change the word now (as the XDP program would, by CAS). */
  kernelWrite(next: HardState): void {
    const cur = this.inner.load()
    if (!this.inner.compareAndSwap(cur, next)) throw new Error('kernel CAS lost in a single-threaded test')
    this.writes.push({...next})
  }

  load(): HardState {
    return this.inner.load()
  }

  compareAndSwap(expected: HardState, next: HardState): boolean {
    this.casCalls++
    const fn = this.pending.shift()
    if (fn) fn({load: () => this.inner.load(), write: (s) => this.kernelWrite(s)})
    const ok = this.inner.compareAndSwap(expected, next)
    if (ok) this.writes.push({...next})
    else this.casLost++
    return ok
  }
}

/** What "the kernel" may do inside an interleaving. */
export interface KernelSide {
  load(): HardState
  write(next: HardState): void
}
