/** The in-memory store; the HardStateStore contract itself is in types.ts, beside HardState. */
import {type HardState, type HardStateStore, sameHardState} from './types.js'

/** Re-exported for callers that import stores from here. */
export type {HardStateStore}

/** The state every node starts from on first boot: term 0, no vote, follower. */
export const INITIAL_HARD_STATE: HardState = Object.freeze({term: 0n, votedFor: 0, role: 'follower'})

/** An in-process store for the userspace dataplane and tests: the CAS is trivially atomic here. */
export class MemoryHardStateStore implements HardStateStore {
  private word: HardState

  constructor(initial: HardState = INITIAL_HARD_STATE) {
    this.word = {...initial}
  }

  load(): HardState {
    return {...this.word}
  }

  compareAndSwap(expected: HardState, next: HardState): boolean {
    if (!sameHardState(this.word, expected)) return false
    this.word = {...next}
    return true
  }
}
