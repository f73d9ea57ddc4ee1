/**
 * Time for the node runtime: a monotonic clock and one-shot timers at absolute deadlines. The
 * real one is process.hrtime (CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns) and setTimeout;
 * tests drive a fake one so that runs are exact and fast.
 */
import {monotonicMs} from '../dataplane/userspace.js'

/** A pending timer, to cancel. */
export interface TimerHandle {
  cancel(): void
}

/** A clock and timers. */
export interface Scheduler {
  /** Milliseconds of a monotonic clock. */
  now(): number
  /** Runs `fn` once, at `atMs` on now()'s clock or as soon as possible after. */
  at(atMs: number, fn: () => void): TimerHandle
}

/** process.hrtime and setTimeout. */
export const realScheduler: Scheduler = {
  now: monotonicMs,
  at(atMs, fn) {
    // setTimeout counts whole ms from now; a timer that fires a little early just ticks for nothing.
    // The timer's work runs in the check phase, after the poll phase: when the event loop was
    // blocked past a deadline, libuv runs timers before reading sockets, and an election timeout
    // must not fire while the heartbeats that would have reset it wait unread in the socket.
    const delay = Math.max(0, Math.ceil(atMs - monotonicMs()))
    let immediate: NodeJS.Immediate | undefined
    const timer = setTimeout(() => {
      immediate = setImmediate(fn)
    }, Math.min(delay, 2 ** 31 - 1))
    return {
      cancel: () => {
        clearTimeout(timer)
        if (immediate) clearImmediate(immediate)
      },
    }
  },
}
