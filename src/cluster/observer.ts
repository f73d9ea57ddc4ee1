/**
 * The safety observer: fed every event of every node as it arrives, it checks the election's
 * safety properties continuously, not only at the end of a scenario (SCENARIOS.md):
 * - at most one leader per term (Raft §5.2, Election Safety): any line whose role is leader
 *   names its node as the leader of its term;
 * - terms never decrease on a node, also across restarts (rule 8: the term is durable);
 * - a node votes for at most one candidate per term (rule 2; a candidacy is a vote for itself).
 * Kernel lines are ordered by the ring buffer and node lines (started, crash) print the store's
 * term of the moment, neither ordered with the state machine's lines, so term order is checked
 * within each source (raft, kernel, node) separately.
 */
import type {LogEntry, NodeLine} from './events.js'
import {numberField} from './events.js'

/** Event kinds that record a vote for `peerId` (state machine and kernel alike). */
const VOTE_KINDS = new Set(['vote-granted'])

/** Checks the safety properties over a stream of events and keeps every violation found. */
export class SafetyObserver {
  /** Every violation, in the order found, as one readable line each. */
  readonly violations: string[] = []
  private readonly leaders = new Map<bigint, number>()
  private readonly terms = new Map<string, bigint>()
  private readonly votes = new Map<string, number>()
  private readonly listeners: Array<(violation: string) => void> = []

  /** Feeds one log entry; non-event entries are ignored. */
  observe(entry: LogEntry): void {
    if (entry.line) this.check(entry.node, entry.line)
  }

  /** Calls `listener` with each violation as it is found. */
  onViolation(listener: (violation: string) => void): void {
    this.listeners.push(listener)
  }

  /** Throws an Error listing every violation so far; a no-op while there is none. */
  assertSafe(): void {
    if (this.violations.length > 0) throw new Error(`safety violated:\n  ${this.violations.join('\n  ')}`)
  }

  /** The node that led `term`, if one did. */
  leaderOf(term: bigint): number | undefined {
    return this.leaders.get(term)
  }

  /** Every term that had a leader, with its leader, in term order. */
  leaderHistory(): Array<{term: bigint; leader: number}> {
    return [...this.leaders].sort(([a], [b]) => (a < b ? -1 : 1)).map(([term, leader]) => ({term, leader}))
  }

  private check(node: number, line: NodeLine): void {
    if (line.nodeId !== node) this.flag(`n${node} printed an event as n${line.nodeId}: ${line.message}`)
    if (line.role === 'leader') {
      const leader = this.leaders.get(line.term)
      if (leader === undefined) this.leaders.set(line.term, node)
      else if (leader !== node) this.flag(`two leaders in term ${line.term}: n${leader} and n${node} (${line.message})`)
    }
    const source = `${node}/${String(line.fields.source ?? 'raft')}`
    const last = this.terms.get(source)
    // A kernel event that left the term as it was reports a snapshot: the program runs on every
    // CPU at once, and an event that read term T may reach the ring after another moved past T.
    const snapshot = line.fields.source === 'kernel' && String(line.fields.prevTerm) === String(line.term)
    if (last !== undefined && line.term < last && !snapshot) {
      this.flag(`term went back on n${node} (${source.split('/')[1]}) from ${last} to ${line.term}: ${line.message}`)
    }
    if (last === undefined || line.term > last) this.terms.set(source, line.term)
    const candidate = line.kind === 'became-candidate' ? node : VOTE_KINDS.has(line.kind) ? numberField(line, 'peerId') : undefined
    if (candidate !== undefined) this.recordVote(node, line.term, candidate)
  }

  private recordVote(node: number, term: bigint, candidate: number): void {
    const key = `${node}/${term}`
    const previous = this.votes.get(key)
    if (previous === undefined) this.votes.set(key, candidate)
    else if (previous !== candidate) this.flag(`n${node} voted twice in term ${term}: for n${previous} and for n${candidate}`)
  }

  private flag(violation: string): void {
    this.violations.push(violation)
    for (const listener of this.listeners) listener(violation)
  }
}
