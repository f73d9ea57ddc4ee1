/**
 * What a node tracks about its peers while it campaigns or leads. Soft state: lost on restart, rebuilt
 * from the messages that follow (repeated requests get the same answers; acks keep coming).
 */
import {tallyVotes, type VoteTally} from './tally.js'

/** One election of this node in one term: who answered, and when to ask the others again (§5.2). */
export class Candidacy {
  /** Voters that granted, self included. */
  readonly granted: Set<number>
  /** Voters that refused. */
  readonly denied = new Set<number>()

  constructor(
    readonly term: bigint,
    private readonly selfId: number,
    private readonly clusterSize: number,
    /** When the candidacy began (ms), for "quorum reached in 3.1 ms". */
    readonly sinceMs: number,
    /** When unanswered members are asked again (ms). */
    public nextRetransmitMs: number,
  ) {
    this.granted = new Set([selfId])
  }

  /** Record one answer; a member that granted stays granted. */
  record(peerId: number, granted: boolean): void {
    ;(granted ? this.granted : this.denied).add(peerId)
  }

  /** The vote so far (§5.2): won, lost or pending. */
  tally(): VoteTally {
    return tallyVotes(this.granted, this.denied, this.clusterSize)
  }

  /** Grants from others, as the rules' votesBefore. */
  votesBefore(): number[] {
    return [...this.granted].filter((id) => id !== this.selfId)
  }

  /** The peers that have not answered yet. */
  unanswered(peers: readonly number[]): number[] {
    return peers.filter((p) => !this.granted.has(p) && !this.denied.has(p))
  }
}

/**
 * One pre-vote round (Raft thesis §9.6): who granted term+1, self included. Soft state only: it
 * changes nothing durable, so a restart simply forgets it.
 */
export class PreVote {
  /** Members that granted, self included. */
  readonly granted: Set<number>
  readonly denied = new Set<number>()
  /** When ungranted members are asked again (ms). */
  nextRetransmitMs: number

  constructor(
    /** The term the round asks for: our term + 1 when it began. */
    readonly term: bigint,
    selfId: number,
    private readonly clusterSize: number,
    readonly sinceMs: number,
    /** The echo (send time, ns) of the round's first requests: older responses belong to an earlier round. */
    readonly sinceEcho: bigint,
  ) {
    this.granted = new Set([selfId])
    this.nextRetransmitMs = sinceMs
  }

  /** Record one answer; a member that granted stays granted. */
  record(peerId: number, granted: boolean): void {
    if (granted) {
      this.granted.add(peerId)
      this.denied.delete(peerId)
    } else if (!this.granted.has(peerId)) this.denied.add(peerId)
  }

  tally(): VoteTally {
    return tallyVotes(this.granted, this.denied, this.clusterSize)
  }

  /** A quorum, self included, granted. */
  won(): boolean {
    return this.tally().result === 'won'
  }

  /** Peers that have not granted (a refusal may turn into a grant once a leader lease expires). */
  ungranted(peers: readonly number[]): number[] {
    return peers.filter((p) => !this.granted.has(p))
  }
}

/** A leader's record of its followers: last successful ack (check-quorum, rule 6) and round trip. */
export class Leadership {
  readonly acks = new Map<number, number>()
  readonly rttMs = new Map<number, number>()

  constructor(
    /** When leadership began (ms); it counts as an ack from everyone, so a new leader gets a full window. */
    readonly sinceMs: number,
    /** When the next heartbeat is due (ms). */
    public nextHeartbeatMs: number,
  ) {}

  /**
   * Record a successful ack received at `atMs`; `echo` is the heartbeat's send time in ns. Reports
   * may come late and out of order (the kernel's ring and its peer records): the latest counts, and
   * one from before this leadership belongs to an earlier term.
   */
  recordAck(peerId: number, atMs: number, echo?: bigint): void {
    if (atMs < this.sinceMs || atMs <= (this.acks.get(peerId) ?? Number.NEGATIVE_INFINITY)) return
    this.acks.set(peerId, atMs)
    if (echo === undefined || echo <= 0n) return
    const rttMs = atMs - Number(echo) / 1e6
    if (rttMs >= 0) this.rttMs.set(peerId, rttMs)
  }

  /** Members heard from within (nowMs - windowMs, nowMs], self included. */
  heardWithin(peers: readonly number[], nowMs: number, windowMs: number): number {
    return 1 + peers.filter((p) => (this.acks.get(p) ?? Number.NEGATIVE_INFINITY) > nowMs - windowMs).length
  }

  /** The moment fewer than `quorum` members (self included) will have been heard within `windowMs`. */
  quorumDeadlineMs(peers: readonly number[], quorum: number, windowMs: number): number {
    const need = quorum - 1
    if (need <= 0) return Number.POSITIVE_INFINITY
    // The need-th latest time heard: the latest one that at least `need` peers have reached.
    // Computed in place (no array, no sort): the runtime asks after every event.
    let nthLatest = Number.NEGATIVE_INFINITY
    for (const p of peers) {
      const t = this.heardAtMs(p)
      if (t <= nthLatest) continue
      let reached = 0
      for (const q of peers) if (this.heardAtMs(q) >= t) reached++
      if (reached >= need) nthLatest = t
    }
    return nthLatest + windowMs
  }

  /** The last ack from `peerId`, or the start of leadership, which counts as one. */
  private heardAtMs(peerId: number): number {
    return Math.max(this.acks.get(peerId) ?? Number.NEGATIVE_INFINITY, this.sinceMs)
  }
}
