/** Rule 5: a follower's or candidate's election timer, drawn once per period from an injected random(). */
export class ElectionTimer {
  /** When the current period began (ms). */
  periodStartMs = 0
  /** When the current period ends (ms). */
  deadlineMs = Number.POSITIVE_INFINITY
  /** The last reset by a granted vote or an accepted heartbeat (ms). */
  lastResetMs: number | undefined

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number,
    private readonly owner: string,
  ) {}

  /** Begin a new period at `nowMs`, its length drawn uniformly from [min, max). */
  start(nowMs: number): void {
    const r = this.random()
    if (!(r >= 0 && r < 1)) {
      throw new Error(`${this.owner}: the injected random() returned ${r}; it must return a number in [0, 1)`)
    }
    this.periodStartMs = nowMs
    this.deadlineMs = nowMs + this.minMs + r * (this.maxMs - this.minMs)
  }

  /** A granted vote or an accepted heartbeat (rules 2 and 4): a new period, remembered as a reset. */
  reset(nowMs: number): void {
    this.lastResetMs = nowMs
    this.start(nowMs)
  }
}
