/**
 * A fake monotonic clock with timers, for the node runtime and the memory network: time moves
 * only in advance()/runUntil(), which fire due timers in deadline order (ties in creation order).
 */
import type {Scheduler, TimerHandle} from '../../../src/node/scheduler.js'

interface Entry {
  atMs: number
  seq: number
  fn: () => void
  cancelled: boolean
}

/** The fake clock; `schedule` plugs into MemoryNetwork. */
export class FakeClock implements Scheduler {
  private t = 1000
  private seq = 0
  private entries: Entry[] = []

  now(): number {
    return this.t
  }

  at(atMs: number, fn: () => void): TimerHandle {
    const entry = {atMs, seq: this.seq++, fn, cancelled: false}
    this.entries.push(entry)
    return {cancel: () => void (entry.cancelled = true)}
  }

  /** For MemoryNetwork: run `fn` after `delayMs` of fake time. */
  readonly schedule = (delayMs: number, fn: () => void): void => void this.at(this.t + delayMs, fn)

  /** Time a synchronous call takes: moves time forward by `ms` without firing timers. */
  spend(ms: number): void {
    this.t += ms
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    this.runUntil(() => false, ms)
  }

  /** Fires timers until `done()` holds (checked after each) or `limitMs` passed; returns whether it held. */
  runUntil(done: () => boolean, limitMs: number): boolean {
    const end = this.t + limitMs
    for (let spins = 0; ; spins++) {
      if (done()) return true
      if (spins > 1_000_000) throw new Error(`fake clock stuck at ${this.t} ms`)
      this.entries = this.entries.filter((e) => !e.cancelled)
      let next: Entry | undefined
      for (const e of this.entries) if (!next || e.atMs < next.atMs || (e.atMs === next.atMs && e.seq < next.seq)) next = e
      if (!next || next.atMs > end) {
        this.t = end
        return done()
      }
      this.t = Math.max(this.t, next.atMs)
      next.cancelled = true
      next.fn()
    }
  }
}
