/**
 * RaftNode: the election state machine around the rules (rules.ts), the timers and the role
 * transitions. It never owns the hard state: every decision loads it from the store, every change is
 * a compare-and-swap from the state it was computed from, and changes made by the other writer (the
 * XDP program) are reconciled on every call. Time and randomness are injected; output is a Ready batch.
 */
import {type RaftConfig, type RaftConfigInput, validateRaftConfig} from './config.js'
import type {RaftEvent, RaftEventBase, StepDownReason} from './events.js'
import {Candidacy, Leadership, PreVote} from './progress.js'
import {decide, type RuleOutcome} from './rules.js'
import {quorumSize} from './tally.js'
import {ElectionTimer} from './timer.js'
import {
  describeHardState,
  type HardState,
  type HardStateStore,
  MAX_TERM,
  type Message,
  type MessageType,
  NO_NODE,
  sameHardState,
} from './types.js'

/** What one call produced, in the order the caller must act: persist, then send, then log. */
export interface Ready {
  /** The hard state to write to stable storage before sending (rule 8); absent when unchanged. */
  persist?: HardState
  /** Messages to send, in order. */
  messages: Message[]
  /** Log events, in order. */
  events: RaftEvent[]
  /**
   * The heartbeat of a round this Ready starts (to: 0): the driver sends copies to its learners,
   * also when there is no other member to send one to.
   */
  heartbeat?: Message
}

/** Optional behaviour of a RaftNode. */
export interface RaftNodeOptions {
  /** The driver's clock (ms) at construction; without it the first call starts the clock. */
  nowMs?: number
  /** Compare-and-swap attempts per decision before giving up with an Error; default 16. */
  maxCasAttempts?: number
  /**
   * PreVote (Raft thesis §9.6, etcd's PreVote): on an election timeout, first ask every member
   * whether it would vote for term+1 (PreVoteRequest), changing nothing; campaign only once a quorum,
   * self included, said yes. A member grants only if it has not heard a leader within T (the leader
   * lease), so a node cut off from a healthy cluster never raises its term and its return deposes
   * no one (SCENARIOS.md E5). A round that gets no quorum by the next timeout is replaced by a new
   * one; a heartbeat accepted (or any timer reset, or a term change) ends it. Default false: campaign
   * at once with term+1 (the paper's §5.2).
   */
  preVote?: boolean
}

/** What a leader knows of one follower. */
export interface PeerStatus {
  id: number
  /** When its last successful HeartbeatAck arrived (ms). */
  lastAckMs?: number
  /** Round trip of that ack, from the echoed send time (ms). */
  rttMs?: number
}

/** A snapshot of the node's view, for status commands and tests. */
export interface RaftStatus {
  nodeId: number
  /** The store's hard state right now (not necessarily reconciled yet). */
  hardState: HardState
  /** The leader of the current term as far as this node knows; 0 = unknown. */
  leaderId: number
  /** When the election timer fires (ms); absent for a leader. */
  electionDeadlineMs?: number
  /** The last election timer reset by a granted vote or an accepted heartbeat (ms). */
  lastTimerResetMs?: number
  /** Followers' acks, filled while leader. */
  peers: PeerStatus[]
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
type EventDetail = DistributiveOmit<RaftEvent, keyof RaftEventBase>

/** Who made a transition: this node (through a CAS) or the store's other writer (already done). */
interface Cause {
  by: 'node' | 'store'
  reason?: StepDownReason
  peerId?: number
  messageType?: MessageType
  /** Grants counted when a quorum was reached. */
  votes?: number
  /** The election timeout that started this candidacy, logged once the CAS won (at the old term). */
  timeout?: EventDetail
}

/** One member's election state machine. */
export class RaftNode {
  /** The validated configuration. */
  readonly config: RaftConfig
  private readonly peers: readonly number[]
  private readonly quorum: number
  private readonly maxCasAttempts: number
  private readonly preVoteEnabled: boolean
  /** The last hard state this node acted on: only to notice what the other writer changed. */
  private seen: HardState
  private started = false
  private lastNowMs = Number.NEGATIVE_INFINITY
  private leaderId = NO_NODE
  private readonly timer: ElectionTimer
  private candidacy: Candidacy | undefined
  private leadership: Leadership | undefined
  /** The pre-vote round in progress (§9.6), if any: soft state, the hard state is untouched. */
  private preVote: PreVote | undefined
  /** When a leader's heartbeat was last accepted (ms): within T of it, PreVotes are denied (lease). */
  private leaderHeardMs: number | undefined
  /** terms-exhausted is said once, not at every timeout. */
  private exhaustionReported = false

  constructor(
    config: RaftConfigInput,
    private readonly store: HardStateStore,
    random: () => number,
    options: RaftNodeOptions = {},
  ) {
    this.config = validateRaftConfig(config)
    const {electionTimeoutMinMs: min, electionTimeoutMaxMs: max, selfId} = this.config
    this.timer = new ElectionTimer(min, max, random, `n${selfId}`)
    this.peers = this.config.members.filter((id) => id !== this.config.selfId)
    this.quorum = quorumSize(this.config.members.length)
    this.maxCasAttempts = options.maxCasAttempts ?? 16
    this.preVoteEnabled = options.preVote ?? false
    this.seen = store.load()
    if (options.nowMs !== undefined) {
      this.clock(options.nowMs)
      this.start(options.nowMs)
    }
  }

  /** This node's id. */
  get id(): number {
    return this.config.selfId
  }

  /** Advance the clock: reconcile, then fire whatever timer is due (election, retransmit, heartbeat, check-quorum). */
  tick(nowMs: number): Ready {
    const ready = this.begin(nowMs)
    if (this.seen.role === 'leader') this.tickLeader(ready, nowMs)
    else this.tickElection(ready, nowMs)
    return ready
  }

  /**
   * Handle one received message (the userspace dataplane; the XDP one answers in the kernel).
   * `message.to` is not checked: the wire header names only the sender.
   */
  step(message: Message, nowMs: number): Ready {
    const ready = this.begin(nowMs)
    this.transact(ready, nowMs, (state) => this.apply(ready, nowMs, state, message))
    if (this.preVote?.won()) this.campaign(ready, nowMs, this.preVote)
    return ready
  }

  /** Reconcile with changes the other writer made to the store (e.g. after a kernel event). */
  observe(nowMs: number): Ready {
    return this.begin(nowMs)
  }

  /**
   * The kernel granted a vote or accepted a heartbeat: restart the election timer (rules 2 and 4)
   * from when that happened, `atMs` (the kernel's record, at most nowMs), not from when we heard:
   * the timeout counts silence on the wire, not the delay of the news.
   */
  noteTimerReset(nowMs: number, leaderId?: number, atMs = nowMs): Ready {
    const ready = this.begin(nowMs)
    if (this.seen.role !== 'leader') {
      this.resetTimer(Math.min(atMs, nowMs))
      if (leaderId !== undefined && leaderId !== NO_NODE) {
        this.leaderHeardMs = nowMs
        this.setLeader(ready, nowMs, leaderId)
      }
    }
    return ready
  }

  /**
   * The kernel counted a successful HeartbeatAck from `peerId` at `atMs` (check-quorum, rule 6);
   * its reports may come later than that, never sooner.
   */
  noteAck(peerId: number, nowMs: number, echo?: bigint, atMs = nowMs): void {
    this.clock(nowMs)
    if (this.peers.includes(peerId)) this.leadership?.recordAck(peerId, Math.min(atMs, nowMs), echo)
  }

  /** The kernel handled a VoteResponse of `term` from `peerId`: it is not asked again (retransmits). */
  noteVoteResponse(peerId: number, term: bigint, granted: boolean, nowMs: number): void {
    this.clock(nowMs)
    if (this.candidacy?.term === term && this.peers.includes(peerId)) this.candidacy.record(peerId, granted)
  }

  /** When the driver must call tick() next (ms); -Infinity before the clock started. */
  nextDeadlineMs(): number {
    if (!this.started) return Number.NEGATIVE_INFINITY
    if (this.leadership) return Math.min(this.leadership.nextHeartbeatMs, this.checkQuorumDeadlineMs())
    const c = this.candidacy
    const retransmit = c && c.unanswered(this.peers).length > 0 ? c.nextRetransmitMs : Number.POSITIVE_INFINITY
    const p = this.preVote
    const preVoteRetransmit = p && p.ungranted(this.peers).length > 0 ? p.nextRetransmitMs : Number.POSITIVE_INFINITY
    return Math.min(this.timer.deadlineMs, retransmit, preVoteRetransmit)
  }

  /** The node's current view. */
  status(): RaftStatus {
    const l = this.leadership
    return {
      nodeId: this.id,
      hardState: this.store.load(),
      leaderId: this.leaderId,
      electionDeadlineMs: l ? undefined : this.timer.deadlineMs,
      lastTimerResetMs: this.timer.lastResetMs,
      peers: this.peers.map((id) => ({id, lastAckMs: l?.acks.get(id), rttMs: l?.rttMs.get(id)})),
    }
  }

  // --- reconciling and committing -------------------------------------------------------------

  private begin(nowMs: number): Ready {
    this.clock(nowMs)
    const ready: Ready = {messages: [], events: []}
    if (!this.started) this.start(nowMs)
    this.reconcile(ready, nowMs)
    return ready
  }

  /** Set up the role found in the store at start (a restarted leader heartbeats, a candidate asks at once). */
  private start(nowMs: number): void {
    this.started = true
    this.timer.start(nowMs)
    if (this.seen.role === 'candidate') this.candidacy = this.newCandidacy(this.seen.term, nowMs, nowMs)
    if (this.seen.role === 'leader') {
      this.leadership = new Leadership(nowMs, nowMs)
      this.leaderId = this.id
    }
  }

  /** Load the store and catch up with whatever the other writer changed since we last looked. */
  private reconcile(ready: Ready, nowMs: number): HardState {
    const now = this.store.load()
    const was = this.seen
    if (sameHardState(now, was)) return now
    if (now.term < was.term) {
      throw new Error(
        `n${this.id}: the hard-state term went backwards (${was.term} -> ${now.term}): ` +
          'the store was reset under a running node; restart it from stable storage',
      )
    }
    this.seen = now
    ready.persist = {...now}
    if (now.role !== was.role || now.term !== was.term) this.enter(ready, nowMs, was, now, {by: 'store', reason: 'store'})
    // Rule 2: a vote the other writer granted restarted the election timer there, so it does here.
    const voteChanged = now.term !== was.term || now.votedFor !== was.votedFor
    if (voteChanged && now.votedFor !== NO_NODE && now.votedFor !== this.id) this.resetTimer(nowMs)
    return now
  }

  /** Run `attempt` on fresh state until its CAS wins (true); a lost CAS means reload and decide again. */
  private transact(ready: Ready, nowMs: number, attempt: (state: HardState) => boolean): void {
    for (let i = 0; i < this.maxCasAttempts; i++) {
      if (attempt(this.reconcile(ready, nowMs))) return
    }
    throw new Error(
      `n${this.id}: the hard state changed under ${this.maxCasAttempts} compare-and-swap attempts in a row; ` +
        'check that the other writer is not looping',
    )
  }

  private commit(ready: Ready, from: HardState, to: HardState, cause: Cause): boolean {
    if (cause.by === 'store') return true
    if (!this.store.compareAndSwap(from, to)) return false
    this.seen = {...to}
    ready.persist = {...to}
    return true
  }

  private enter(ready: Ready, nowMs: number, from: HardState, to: HardState, cause: Cause): boolean {
    if (to.role === 'leader') return this.becomeLeader(ready, nowMs, from, to, cause)
    if (to.role === 'candidate') return this.becomeCandidate(ready, nowMs, from, to, cause)
    return this.becomeFollower(ready, nowMs, from, to, cause)
  }

  // --- the only three places a role changes --------------------------------------------------

  private becomeFollower(ready: Ready, nowMs: number, from: HardState, to: HardState, cause: Cause): boolean {
    this.checkTransition(from, to)
    if (!this.commit(ready, from, to, cause)) return false
    if (from.role === 'leader') this.timer.start(nowMs) // a leader runs no election timer: start one now
    if (to.term !== from.term || from.role === 'leader') this.leaderId = NO_NODE
    this.candidacy = undefined
    this.leadership = undefined
    this.preVote = undefined
    const {peerId, messageType} = cause
    if (from.role === 'follower') this.emit(ready, nowMs, {kind: 'term-adopted', fromTerm: from.term, peerId, messageType})
    else {
      const reason = cause.reason ?? 'higher-term'
      this.emit(ready, nowMs, {kind: 'stepped-down', fromRole: from.role, fromTerm: from.term, reason, peerId, messageType})
    }
    return true
  }

  private becomeCandidate(ready: Ready, nowMs: number, from: HardState, to: HardState, cause: Cause): boolean {
    this.checkTransition(from, to)
    if (!this.commit(ready, from, to, cause)) return false
    this.leadership = undefined
    this.preVote = undefined
    this.leaderId = NO_NODE
    this.candidacy = this.newCandidacy(to.term, nowMs, nowMs + this.config.heartbeatIntervalMs)
    this.timer.start(nowMs)
    if (cause.timeout) this.emit(ready, nowMs, cause.timeout, from)
    this.emit(ready, nowMs, {kind: 'became-candidate', peers: this.peers})
    for (const peer of this.peers) ready.messages.push(this.message('VoteRequest', peer, to.term, nowMs))
    return true
  }

  private becomeLeader(ready: Ready, nowMs: number, from: HardState, to: HardState, cause: Cause): boolean {
    this.checkTransition(from, to)
    if (!this.commit(ready, from, to, cause)) return false
    const electionMs = this.candidacy ? nowMs - this.candidacy.sinceMs : 0
    this.candidacy = undefined
    this.preVote = undefined
    this.leadership = new Leadership(nowMs, nowMs)
    this.leaderId = this.id
    const clusterSize = this.config.members.length
    this.emit(ready, nowMs, {kind: 'became-leader', electionMs, votes: cause.votes, clusterSize, by: cause.by})
    this.broadcastHeartbeats(ready, nowMs) // at once, so no follower times out on the new term
    return true
  }

  /** etcd panics on an illegal transition; so do we: it means the rules or the store are broken. */
  private checkTransition(from: HardState, to: HardState): void {
    const legal = to.term <= MAX_TERM && this.legalRoleChange(from, to)
    if (!legal) {
      throw new Error(`n${this.id}: illegal transition from (${describeHardState(from)}) to (${describeHardState(to)})`)
    }
  }

  private legalRoleChange(from: HardState, to: HardState): boolean {
    switch (to.role) {
      case 'follower':
        return to.term >= from.term
      case 'candidate':
        return from.role !== 'leader' && to.term > from.term && to.votedFor === this.id
      case 'leader':
        return from.role === 'candidate' && to.term === from.term && to.votedFor === this.id
    }
  }

  // --- messages ----------------------------------------------------------------------------------

  private apply(ready: Ready, nowMs: number, state: HardState, m: Message): boolean {
    const leaderHeardRecently = this.leaderHeardMs !== undefined && this.leaderHeardMs + this.config.electionTimeoutMinMs > nowMs
    const outcome = decide({self: this.id, members: this.config.members, state, votesBefore: this.votesBefore(state),
      leaderHeardRecently, message: m})
    if (!sameHardState(outcome.next, state) && !this.commitOutcome(ready, nowMs, state, outcome, m)) return false
    this.afterRule(ready, nowMs, outcome, m)
    return true
  }

  private commitOutcome(ready: Ready, nowMs: number, state: HardState, o: RuleOutcome, m: Message): boolean {
    const reason: StepDownReason = o.termAdopted ? 'higher-term' : 'heartbeat'
    const cause: Cause = {by: 'node', reason, peerId: m.from, messageType: m.type, votes: o.tally?.granted}
    if (o.next.role !== state.role || o.next.term !== state.term) return this.enter(ready, nowMs, state, o.next, cause)
    return this.commit(ready, state, o.next, cause) // a vote recorded within the term
  }

  private afterRule(ready: Ready, nowMs: number, o: RuleOutcome, m: Message): void {
    if (o.timerReset) this.resetTimer(nowMs)
    if (o.leaderId !== undefined) {
      this.leaderHeardMs = nowMs
      this.setLeader(ready, nowMs, o.leaderId)
    }
    if (o.reply) ready.messages.push({...o.reply, from: this.id, to: m.from, echo: m.echo})
    const peerId = m.from
    switch (o.effect) {
      case 'dropped': {
        const reason = peerId === this.id ? 'self' : 'non-member'
        return this.emit(ready, nowMs, {kind: 'message-dropped', peerId, messageType: m.type, reason})
      }
      case 'stale':
        if (o.reply) this.emit(ready, nowMs, {kind: 'stale-message', peerId, messageType: m.type, messageTerm: m.term})
        return
      case 'vote-granted':
        return this.emit(ready, nowMs, {kind: 'vote-granted', peerId})
      case 'vote-denied':
        return this.emit(ready, nowMs, {kind: 'vote-denied', peerId, votedFor: this.seen.votedFor})
      case 'vote-counted':
        this.recordVote(peerId, true)
        if (o.tally) {
          const {granted, quorum, clusterSize} = o.tally
          this.emit(ready, nowMs, {kind: 'vote-received', peerId, granted, quorum, clusterSize})
        }
        return
      case 'vote-rejected':
        this.recordVote(peerId, false)
        return this.emit(ready, nowMs, {kind: 'vote-rejected', peerId})
      case 'ack-recorded':
        return this.leadership?.recordAck(peerId, nowMs, m.echo)
      case 'pre-vote-granted':
      case 'pre-vote-denied':
        return this.emit(ready, nowMs, {kind: 'pre-vote-answered', peerId, askedTerm: m.term, granted: o.effect === 'pre-vote-granted'})
      case 'pre-vote-response':
        return this.recordPreVote(ready, nowMs, m)
    }
  }

  private message(type: MessageType, to: number, term: bigint, nowMs: number): Message {
    return {type, from: this.id, to, term, flag: false, echo: BigInt(Math.round(nowMs * 1e6))}
  }

  // --- timers ------------------------------------------------------------------------------------

  private tickElection(ready: Ready, nowMs: number): void {
    if (nowMs >= this.timer.deadlineMs) return this.electionTimeout(ready, nowMs)
    const c = this.candidacy
    if (c && nowMs >= c.nextRetransmitMs) this.retransmit(ready, nowMs, c)
    const p = this.preVote
    if (p && nowMs >= p.nextRetransmitMs) this.retransmitPreVote(ready, nowMs, p)
  }

  /** Rule 5: no word from a leader for a whole period: campaign (§5.2), or first ask for pre-votes (§9.6). */
  private electionTimeout(ready: Ready, nowMs: number): void {
    const fromRole = this.seen.role
    const silentMs = nowMs - this.timer.periodStartMs
    if (this.seen.term >= MAX_TERM && fromRole !== 'leader') return this.termsExhausted(ready, nowMs)
    if (this.preVoteEnabled) return this.startPreVote(ready, nowMs, silentMs)
    this.transact(ready, nowMs, (state) => {
      if (state.role === 'leader' || nowMs < this.timer.deadlineMs) return true // the other writer moved first
      const to: HardState = {term: state.term + 1n, votedFor: this.id, role: 'candidate'}
      const timeout: EventDetail = {kind: 'election-timeout', silentMs, fromRole, preVote: false}
      return this.becomeCandidate(ready, nowMs, state, to, {by: 'node', timeout})
    })
    this.winAlone(ready, nowMs)
  }

  /**
   * No term is left to campaign in (a peer sent MAX_TERM): wait as a follower of whoever leads it,
   * saying why once, rather than ask for a term no member could accept.
   */
  private termsExhausted(ready: Ready, nowMs: number): void {
    this.timer.start(nowMs)
    if (this.exhaustionReported) return
    this.exhaustionReported = true
    this.emit(ready, nowMs, {kind: 'terms-exhausted'})
  }

  /**
   * §9.6: a new pre-vote round for term+1 with a new timeout draw; the hard state does not change.
   * Our own pre-vote counts; a one-member cluster campaigns at once.
   */
  private startPreVote(ready: Ready, nowMs: number, silentMs: number): void {
    const state = this.seen
    if (state.role === 'leader') return
    this.timer.start(nowMs)
    const round = new PreVote(state.term + 1n, this.id, this.config.members.length, nowMs, BigInt(Math.round(nowMs * 1e6)))
    this.preVote = round
    this.emit(ready, nowMs, {kind: 'election-timeout', silentMs, fromRole: state.role, preVote: true})
    if (round.won()) return this.campaign(ready, nowMs, round)
    this.emit(ready, nowMs, {kind: 'pre-vote-started', askedTerm: round.term, peers: this.peers})
    this.retransmitPreVote(ready, nowMs, round)
  }

  /** A member's PreVoteResponse: a grant to the round in progress (matched by the echoed send time) counts. */
  private recordPreVote(ready: Ready, nowMs: number, m: Message): void {
    const round = this.preVote
    if (!round || m.echo < round.sinceEcho || round.term !== this.seen.term + 1n) return
    round.record(m.from, m.flag)
    const {granted, quorum} = round.tally()
    this.emit(ready, nowMs, {kind: 'pre-vote-received', peerId: m.from, granted: m.flag, grants: granted, quorum})
  }

  /** A quorum granted the pre-vote: campaign as the paper's §5.2 does (CAS term+1, vote self, VoteRequests). */
  private campaign(ready: Ready, nowMs: number, round: PreVote): void {
    const {granted} = round.tally()
    this.transact(ready, nowMs, (state) => {
      if (this.preVote !== round) return true // ended meanwhile (a term change, a heartbeat)
      if (state.role === 'leader' || state.term + 1n !== round.term) {
        this.preVote = undefined
        return true
      }
      const to: HardState = {term: round.term, votedFor: this.id, role: 'candidate'}
      const timeout: EventDetail = {kind: 'pre-vote-won', grants: granted, quorum: this.quorum}
      return this.becomeCandidate(ready, nowMs, state, to, {by: 'node', timeout})
    })
    this.winAlone(ready, nowMs)
  }

  /** Ask again, every heartbeat interval while the round lasts, the members that have not granted. */
  private retransmitPreVote(ready: Ready, nowMs: number, p: PreVote): void {
    p.nextRetransmitMs = nowMs + this.config.heartbeatIntervalMs
    for (const peer of p.ungranted(this.peers)) ready.messages.push(this.message('PreVoteRequest', peer, p.term, nowMs))
  }

  /** A granted vote or an accepted heartbeat restarts the election period, and ends any pre-vote. */
  private resetTimer(nowMs: number): void {
    this.timer.reset(nowMs)
    this.preVote = undefined
  }

  /** A one-member cluster's own vote is a quorum. */
  private winAlone(ready: Ready, nowMs: number): void {
    const c = this.candidacy
    if (!c || c.tally().result !== 'won') return
    this.transact(ready, nowMs, (state) => {
      if (state.role !== 'candidate' || state.term !== c.term) return true
      return this.becomeLeader(ready, nowMs, state, {...state, role: 'leader'}, {by: 'node', votes: c.granted.size})
    })
  }

  /** UDP loses packets: ask again every heartbeat interval those who have not answered. */
  private retransmit(ready: Ready, nowMs: number, c: Candidacy): void {
    c.nextRetransmitMs = nowMs + this.config.heartbeatIntervalMs
    for (const peer of c.unanswered(this.peers)) ready.messages.push(this.message('VoteRequest', peer, c.term, nowMs))
  }

  private tickLeader(ready: Ready, nowMs: number): void {
    const l = this.leadership
    if (!l) return
    if (nowMs >= this.checkQuorumDeadlineMs()) {
      const windowMs = this.config.electionTimeoutMaxMs
      const acked = l.heardWithin(this.peers, nowMs, windowMs)
      this.emit(ready, nowMs, {kind: 'check-quorum-failed', acked, quorum: this.quorum, windowMs})
      this.transact(ready, nowMs, (state) => {
        if (state.role !== 'leader') return true
        return this.becomeFollower(ready, nowMs, state, {...state, role: 'follower'}, {by: 'node', reason: 'check-quorum'})
      })
      return
    }
    if (nowMs >= l.nextHeartbeatMs) this.broadcastHeartbeats(ready, nowMs)
  }

  private broadcastHeartbeats(ready: Ready, nowMs: number): void {
    const l = this.leadership
    if (!l) return
    l.nextHeartbeatMs = nowMs + this.config.heartbeatIntervalMs
    for (const peer of this.peers) ready.messages.push(this.message('Heartbeat', peer, this.seen.term, nowMs))
    ready.heartbeat = this.message('Heartbeat', 0, this.seen.term, nowMs)
  }

  /**
   * Rule 6: the moment the leader stops having heard from a majority (itself included) within an
   * election timeout. The longest one (2T by default): with lossy links a window of T holds only
   * two round trips, and a leader that stepped down on a loss burst leaves the cluster leaderless
   * until the followers' lease (T) runs out. Infinite when not leading. A driver whose acks come
   * late asks, to fetch them before a tick at or after it decides.
   */
  checkQuorumDeadlineMs(): number {
    const l = this.leadership
    return l ? l.quorumDeadlineMs(this.peers, this.quorum, this.config.electionTimeoutMaxMs) : Number.POSITIVE_INFINITY
  }

  // --- bookkeeping -------------------------------------------------------------------------------

  private newCandidacy(term: bigint, sinceMs: number, nextRetransmitMs: number): Candidacy {
    return new Candidacy(term, this.id, this.config.members.length, sinceMs, nextRetransmitMs)
  }

  private votesBefore(state: HardState): number[] {
    const c = this.candidacy
    return c && c.term === state.term ? c.votesBefore() : []
  }

  private recordVote(peerId: number, granted: boolean): void {
    this.candidacy?.record(peerId, granted)
  }

  private setLeader(ready: Ready, nowMs: number, leaderId: number): void {
    if (leaderId === this.leaderId) return
    const previous = this.leaderId
    this.leaderId = leaderId
    if (leaderId === NO_NODE || leaderId === this.id) return
    this.emit(ready, nowMs, {kind: 'leader-changed', peerId: leaderId, previous})
  }

  /** Queue an event stamped with the current hard state, or with `at` when it describes an earlier one. */
  private emit(ready: Ready, nowMs: number, detail: EventDetail, at: HardState = this.seen): void {
    ready.events.push({nodeId: this.id, term: at.term, role: at.role, atMs: nowMs, ...detail} as RaftEvent)
  }

  private clock(nowMs: number): void {
    if (!Number.isFinite(nowMs)) throw new Error(`n${this.id}: nowMs must be a finite number of milliseconds, got ${nowMs}`)
    if (nowMs < this.lastNowMs) {
      const how = 'pass a monotonic clock such as performance.now()'
      throw new Error(`n${this.id}: nowMs went backwards (${this.lastNowMs} -> ${nowMs}); ${how}`)
    }
    this.lastNowMs = nowMs
  }
}
