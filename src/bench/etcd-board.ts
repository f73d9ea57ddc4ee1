/**
 * What the harness knows of an etcd cluster's leadership, built only from the poller's lines:
 * each member's latest (leader, term) and when it was first seen, every change in arrival order,
 * and which raft id is which member.
 */
import type {StatusChange, StatusLine} from './etcd-status.js'

/** Member `member`'s view of the leadership as last polled. */
export interface MemberView {
  member: number
  leader: string
  /**
   * The term of the member's last applied entry: etcd's status reports that, not raft's current
   * term, so a term shows up only once its leader's first entry is applied, and a term that
   * elected nobody never shows up.
   */
  term: bigint
  /** When the poller first saw the member follow `leader` (CLOCK_MONOTONIC ns); a later term alone does not move it. */
  leaderSinceNs: bigint
}

/** A leader every given member follows. */
export interface AgreedLeader {
  /** The leader's member number, 1-based. */
  leader: number
  /** The highest term among their views (the leader's term once any of them applied its first entry). */
  term: bigint
  /** When the last of the members was seen following it (CLOCK_MONOTONIC ns). */
  learnedAtNs: bigint
}

/** The poller's lines folded into per-member views. */
export class StatusBoard {
  /** Every change line, in arrival order (the record leaderChanges counts from). */
  readonly changes: StatusChange[] = []
  private readonly views = new Map<number, MemberView>()
  private readonly members = new Map<string, number>()
  private readonly ignoreBeforeNs = new Map<number, bigint>()

  /** Takes one poller line. */
  observe(line: StatusLine): void {
    if (!('id' in line)) return // a member that stops answering keeps its last view: a slow poll is not a change
    const atNs = BigInt(line.atNs)
    if (atNs < (this.ignoreBeforeNs.get(line.member) ?? 0n)) return
    this.changes.push(line)
    this.members.set(line.id, line.member)
    const old = this.views.get(line.member)
    // the first sighting of a leader is when the member learned it: neither the poller's re-report
    // after an outage nor the term catching up later (see MemberView.term) moves it
    const leaderSinceNs = old?.leader === line.leader ? old.leaderSinceNs : atNs
    this.views.set(line.member, {member: line.member, leader: line.leader, term: BigInt(line.term), leaderSinceNs})
  }

  /** Drops a killed member's view and any of its lines from before `atNs`, so only its next life counts. */
  forget(member: number, atNs: bigint): void {
    this.views.delete(member)
    this.ignoreBeforeNs.set(member, atNs)
  }

  /** The member number of raft id `id`, once that member has answered a poll. */
  memberOf(id: string): number | undefined {
    return this.members.get(id)
  }

  /**
   * The leader all of `among` follow, if they do and it is one of them. Terms may differ for a
   * moment: a member follows the new leader before it has applied that leader's first entry.
   */
  agreed(among: number[]): AgreedLeader | undefined {
    const views = among.map((m) => this.views.get(m))
    const first = views[0]
    if (!first || first.leader === '0' || !views.every((v) => v?.leader === first.leader)) return undefined
    const leader = this.memberOf(first.leader)
    if (leader === undefined || !among.includes(leader)) return undefined
    const latest = (pick: (v: MemberView) => bigint) => views.reduce((max, v) => (pick(v!) > max ? pick(v!) : max), 0n)
    return {leader, term: latest((v) => v.term), learnedAtNs: latest((v) => v.leaderSinceNs)}
  }

  /** The highest term any member reports now. */
  highestTerm(): bigint {
    return [...this.views.values()].reduce((max, v) => (v.term > max ? v.term : max), 0n)
  }

  /** The views of `among` as text, for error messages. */
  describe(among: number[]): string {
    return among.map((m) => {
      const v = this.views.get(m)
      const leader = v && v.leader !== '0' ? `m${this.memberOf(v.leader) ?? `?${v.leader}`}` : 'none'
      return v ? `m${m}: leader ${leader} term ${v.term}` : `m${m}: no answer yet`
    }).join(', ')
  }
}
