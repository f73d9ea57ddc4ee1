/**
 * Rule 8 for a running node: the hard state is saved before any message that depends on it is
 * sent, and, with the XDP dataplane, the kernel (which votes without asking Node) is held below a
 * term limit that is always persisted before the kernel learns it. Whatever the kernel did without
 * Node therefore happened in a term <= the saved limit, and a node that restarts without its pinned
 * maps starts at that limit having "voted for itself": it can never vote twice in any term.
 */
import type {DataplaneBoot} from '../dataplane/dataplane.js'
import {INITIAL_HARD_STATE, MAX_TERM, type HardState} from '../raft/index.js'
import type {DurableState, DurableStore} from './state-file.js'

/** How far ahead of the last persisted term the kernel may adopt terms on its own (xdp). */
export const DEFAULT_TERM_LIMIT_MARGIN = 4n

/** How a node persists. */
export interface DurabilityOptions {
  selfId: number
  /** Whether a kernel answers votes (xdp): then a term limit is kept. */
  kernelVotes: boolean
  /** Terms of headroom the kernel gets above the last persisted term; default 4. */
  termLimitMargin?: bigint
  /** Tells the kernel a new limit; called only after that limit was saved. */
  setKernelLimit: (limit: bigint) => void
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}

/** The boot hard state a saved state allows (DurableState comments say why). */
export function bootHardState(saved: DurableState | undefined, selfId: number): HardState {
  if (!saved) return {...INITIAL_HARD_STATE}
  // The kernel may have voted in any term up to the limit after the last save: never vote in them again.
  if (saved.termLimit > 0n && saved.termLimit >= saved.term) return {term: saved.termLimit, votedFor: selfId, role: 'follower'}
  return {term: saved.term, votedFor: saved.votedFor, role: 'follower'}
}

/** The node's persistence: boot state, save-before-send, and the kernel's term limit. */
export class Durability {
  private saved: DurableState = {term: 0n, votedFor: 0, termLimit: 0n}
  private readonly margin: bigint

  constructor(private readonly store: DurableStore, private readonly options: DurabilityOptions) {
    this.margin = options.termLimitMargin ?? DEFAULT_TERM_LIMIT_MARGIN
  }

  /** The term limit saved (and, once start() ran, in force in the kernel); 0n for userspace. */
  get termLimit(): bigint {
    return this.saved.termLimit
  }

  /**
   * Reads the saved state and returns where the dataplane starts. For xdp the first term limit is
   * saved by persistTermLimit, which the dataplane calls before it hands the limit to the kernel.
   */
  boot(): DataplaneBoot {
    const saved = this.store.load()
    if (saved) this.saved = saved
    const hardState = bootHardState(saved, this.options.selfId)
    if (!this.options.kernelVotes) return {hardState, termLimit: 0n}
    const termLimit = min(hardState.term + this.margin, MAX_TERM)
    return {hardState, termLimit, persistTermLimit: () => this.write({...this.saved, termLimit})}
  }

  /** Saves `state` (term and vote; the role is not durable) before anything depending on it is sent. */
  persist(state: HardState): void {
    const termLimit = this.options.kernelVotes ? this.limitAbove(state.term) : this.saved.termLimit
    this.apply({term: state.term, votedFor: state.votedFor, termLimit})
  }

  /** The kernel refused a message of `term` above its limit: raise the limit above it (saved first). */
  raiseLimitFor(term: bigint): boolean {
    if (!this.options.kernelVotes || term <= this.saved.termLimit) return false
    this.apply({...this.saved, termLimit: this.limitAbove(term)})
    return true
  }

  private limitAbove(term: bigint): bigint {
    const wanted = min(term + this.margin, MAX_TERM)
    return wanted > this.saved.termLimit ? wanted : this.saved.termLimit
  }

  private apply(next: DurableState): void {
    const s = this.saved
    if (next.term === s.term && next.votedFor === s.votedFor && next.termLimit === s.termLimit) return
    const raised = next.termLimit !== s.termLimit
    this.write(next)
    if (raised) this.options.setKernelLimit(next.termLimit)
  }

  private write(next: DurableState): void {
    this.store.save(next)
    this.saved = {...next}
  }
}
