/**
 * Checks the two invariants every scenario must keep at every step (SCENARIOS.md): never two leaders
 * in one term, and terms never decrease on any node. It reads each node's hard state and events after
 * every step, so a violation fails the test at the moment it happens, with the recent history.
 */
import {AssertionError} from 'node:assert'
import type {RaftEvent} from '../../../src/raft/events.js'
import {formatEvent} from '../../../src/raft/log.js'
import type {HardState} from '../../../src/raft/types.js'

/** Per-term leaders seen so far, and the highest term each node ever held. */
export class SafetyObserver {
  private readonly leaderOfTerm = new Map<bigint, number>()
  private readonly lastTerm = new Map<number, bigint>()
  private readonly history: string[] = []
  /** How many checks ran; scenarios assert it is non-zero so a silent observer cannot pass. */
  checks = 0

  /** Record what a node just reported; throws on a violation. */
  observe(nowMs: number, nodeId: number, state: HardState, events: readonly RaftEvent[]): void {
    this.checks++
    for (const e of events) {
      this.note(`${nowMs.toFixed(1)} ${formatEvent(e)}`)
      if (e.kind === 'became-leader') this.claim(nowMs, e.nodeId, e.term, 'a became-leader event')
    }
    const before = this.lastTerm.get(nodeId)
    if (before !== undefined && state.term < before) {
      this.fail(`n${nodeId}'s term decreased from ${before} to ${state.term} at ${nowMs} ms`)
    }
    this.lastTerm.set(nodeId, state.term)
    if (state.role === 'leader') this.claim(nowMs, nodeId, state.term, 'its hard state')
  }

  /** The leader recorded for `term`, if any. */
  leaderOf(term: bigint): number | undefined {
    return this.leaderOfTerm.get(term)
  }

  /** Terms that had a leader, in order. */
  termsWithLeader(): bigint[] {
    return [...this.leaderOfTerm.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /** The last lines of the event log, for assertion messages. */
  recent(lines = 40): string {
    return this.history.slice(-lines).join('\n')
  }

  private claim(nowMs: number, nodeId: number, term: bigint, source: string): void {
    const other = this.leaderOfTerm.get(term)
    if (other !== undefined && other !== nodeId) {
      this.fail(`two leaders in term ${term}: n${other} and n${nodeId} (seen in ${source}) at ${nowMs} ms`)
    }
    this.leaderOfTerm.set(term, nodeId)
  }

  private note(line: string): void {
    this.history.push(line)
    if (this.history.length > 2000) this.history.splice(0, 1000)
  }

  private fail(message: string): never {
    throw new AssertionError({message: `safety violation: ${message}\nrecent events:\n${this.recent()}`})
  }
}
