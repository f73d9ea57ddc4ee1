/**
 * NodeRuntime: one RaftNode driven by one Dataplane. It runs the state machine's timers at
 * nextDeadlineMs() on a monotonic clock, feeds it what the dataplane reports, and acts on every
 * Ready in the order the state machine demands: persist (rule 8), then send, then report events.
 * It is the NodeControl the HTTP API and crash-simulate drive.
 */
import type {Dataplane, DataplaneEvent, PeerAck, PeerAddress} from '../dataplane/dataplane.js'
import {RaftNode, type Message, type Ready} from '../raft/index.js'
import {ControlError, type CrashReport, type FollowerView, type NodeControl, type NodeEvent, type NodeStateView} from './control.js'
import {Durability} from './durability.js'
import {Learners} from './learners.js'
import {realScheduler, type Scheduler, type TimerHandle} from './scheduler.js'
import type {DurableStore} from './state-file.js'
import {followerViews, stateView, type ViewInput} from './views.js'

/** Everything a node runtime is made of. */
export interface NodeRuntimeOptions {
  /** Constructed, not started: start() starts it. */
  dataplane: Dataplane
  self: PeerAddress
  /** Voting members with their ids, self included. */
  members: PeerAddress[]
  heartbeatIntervalMs: number
  /** T: the election timeout is drawn from [min, max] (default max 2T). */
  electionTimeoutMinMs: number
  electionTimeoutMaxMs?: number
  /** Stable storage (the state file). */
  durable: DurableStore
  /** Clock and timers; default the real monotonic ones. */
  scheduler?: Scheduler
  /** Randomness of election timeouts; default Math.random. */
  random?: () => number
  /**
   * PreVote (RaftNodeOptions.preVote, Raft thesis §9.6). Default true: a node cut off from the
   * cluster keeps its term, and its return does not depose the leader (SCENARIOS.md E5).
   */
  preVote?: boolean
  /** After this many heartbeat rounds sent as leader, the node crashes for good (see crashForever). */
  crashAfterHeartbeats?: number
  /** xdp: terms the kernel may run ahead of the persisted term; default 4. */
  termLimitMargin?: bigint
}

/** The running node. */
export class NodeRuntime implements NodeControl {
  /** Resolves once stopped; rejects with the error that stopped the node, if one did. */
  readonly stopped: Promise<void>
  private node: RaftNode | undefined
  private phase: 'new' | 'starting' | 'running' | 'stopped' = 'new'
  private crashed = false
  private crashEnd: {timer: TimerHandle; finish: () => void} | undefined
  private timer: TimerHandle | undefined
  /** The deadline `timer` was set for (ms). */
  private timerAtMs = Number.NaN
  private readonly pending: DataplaneEvent[] = []
  private readonly listeners = new Set<(event: NodeEvent) => void>()
  private readonly durability: Durability
  private readonly learners: Learners
  private readonly scheduler: Scheduler
  private readonly dataplane: Dataplane
  private heartbeatRounds = 0
  private lastLeaderHeardMs: number | undefined
  private lastNowMs = Number.NEGATIVE_INFINITY
  private closing = false
  private startedAtMs = Number.POSITIVE_INFINITY
  /** The kernel's last election-timer reset already fed to the node (ms). */
  private kernelTimerResetMs = Number.NEGATIVE_INFINITY
  private settle!: {resolve: () => void; reject: (error: Error) => void}

  constructor(private readonly options: NodeRuntimeOptions) {
    this.dataplane = options.dataplane
    this.scheduler = options.scheduler ?? realScheduler
    this.learners = new Learners(options.members)
    this.durability = new Durability(options.durable, {
      selfId: options.self.id,
      kernelVotes: options.dataplane.kind === 'xdp',
      termLimitMargin: options.termLimitMargin,
      setKernelLimit: (limit) => this.dataplane.setTermLimit(limit),
    })
    this.stopped = new Promise((resolve, reject) => (this.settle = {resolve, reject}))
    this.stopped.catch(() => undefined) // a caller that never awaits it must not see an unhandled rejection
  }

  /** The kernel's current term limit (xdp), as persisted; 0n for userspace. */
  get termLimit(): bigint {
    return this.durability.termLimit
  }

  /** Boots from stable storage, starts the dataplane and the timers. On failure nothing stays attached. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error('a NodeRuntime starts once')
    this.phase = 'starting'
    this.startedAtMs = this.now()
    try {
      const boot = this.durability.boot()
      await this.dataplane.start((event) => this.onDataplaneEvent(event), boot)
    } catch (error) {
      this.phase = 'stopped'
      throw error
    }
    try {
      const {self, members, heartbeatIntervalMs, electionTimeoutMinMs, electionTimeoutMaxMs} = this.options
      const config = {selfId: self.id, members: members.map((m) => m.id), heartbeatIntervalMs, electionTimeoutMinMs, electionTimeoutMaxMs}
      this.node = new RaftNode(config, this.dataplane.store, this.options.random ?? Math.random,
        {nowMs: this.now(), preVote: this.options.preVote ?? true})
      this.durability.persist(this.dataplane.store.load()) // the word we start from, kernel's or booted
      this.phase = 'running'
      this.emitNode('started', this.dataplane.describe())
      for (const event of this.pending.splice(0)) this.guard(() => this.apply(event))
      this.reschedule()
    } catch (error) {
      this.phase = 'stopped'
      await this.dataplane.close()
      throw error
    }
  }

  /** Stops timers and the dataplane (xdp: detaches only what it attached; durable state stays). Idempotent. */
  async stop(): Promise<void> {
    if (this.phase === 'running' && !this.closing) this.emitNode('stopping')
    await this.shutdown()
  }

  state(): NodeStateView {
    return stateView(this.viewInput())
  }

  followers(): FollowerView[] {
    if (this.node && this.phase === 'running' && !this.crashed) this.noteKernelAcks(this.node, this.now(), false) // acks wait in the ring
    return followerViews(this.viewInput(), this.learners)
  }

  addLearner(addr: string, id?: number): FollowerView {
    const known = this.learners.list().some((l) => l.addr === addr)
    const learner = this.learners.add(addr, id)
    try {
      this.dataplane.setLearners(this.learners.list())
    } catch (error) {
      if (!known) this.learners.remove(addr) // the dataplane refused it: neither side keeps it
      throw error
    }
    return this.learners.views(this.now()).find((l) => l.addr === learner.addr)!
  }

  removeLearner(addr: string): void {
    this.learners.remove(addr)
    this.dataplane.setLearners(this.learners.list())
  }

  /** Crashed for `forMs`: the dataplane drops every raft packet and nothing is sent; then rejoins as a follower. */
  crash(forMs: number): Promise<CrashReport> {
    if (this.phase !== 'running') return Promise.reject(new ControlError('the node is not running', 503))
    if (this.crashed) return Promise.reject(new ControlError(`n${this.options.self.id} is already crashed`, 409))
    if (!Number.isFinite(forMs) || forMs <= 0) {
      return Promise.reject(new ControlError(`a crash lasts a positive number of ms, not ${forMs}`, 400))
    }
    const view = this.state()
    const report: CrashReport = {nodeId: view.nodeId, wasLeader: view.role === 'leader',
      before: {leaderId: view.leaderId, term: view.term}, forMs}
    this.beginCrash(`for ${forMs} ms`)
    return new Promise((resolve) => {
      const finish = () => {
        this.crashEnd = undefined
        if (this.phase === 'running') this.guard(() => this.rejoin())
        resolve(report)
      }
      this.crashEnd = {timer: this.scheduler.at(this.now() + forMs, finish), finish}
    })
  }

  onEvent(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  // --- dataplane events ----------------------------------------------------------------------------

  private onDataplaneEvent(event: DataplaneEvent): void {
    if (this.phase === 'starting') this.pending.push(event)
    else if (this.phase === 'running') this.guard(() => this.apply(event))
  }

  private apply(event: DataplaneEvent): void {
    const node = this.node!
    const now = this.now()
    if (event.kind === 'error') throw event.error
    if (event.kind === 'kernel') return this.emit({source: 'kernel', event: event.event, atMs: event.atMs}) // when it happened
    if (this.crashed) return // in flight before the crash began: a crashed node hears nothing
    // Pinned maps keep the ring buffer's unread records: what the kernel did while no process read
    // them is logged, but its outcome is already in the word, and old acks must not look recent.
    if (event.atMs < this.startedAtMs) return
    switch (event.kind) {
      case 'message':
        return this.receive(node, event.message, now)
      case 'timer-reset':
        if (event.leaderId) this.lastLeaderHeardMs = now
        return this.handle(node.noteTimerReset(now, event.leaderId, event.atMs))
      case 'ack':
        if (event.rttNs > 0n) this.emit({source: 'ack', peerId: event.peerId, rttNs: Number(event.rttNs), atMs: event.atMs})
        return this.noteKernelAck(node, now, event)
      case 'vote-response':
        return node.noteVoteResponse(event.peerId, event.term, event.granted, now)
      case 'state-changed':
        return this.handle(node.observe(now))
      case 'term-limit':
        this.durability.raiseLimitFor(event.term)
        return
    }
  }

  /** Userspace: a member's message steps the state machine; a learner's ack is recorded, the rest ignored. */
  private receive(node: RaftNode, m: Message, now: number): void {
    // the hard state is read only for acks: this runs for every message of a userspace node
    const acked = m.type === 'HeartbeatAck' && m.flag && this.leadsTerm(m.term)
    // The round trip as the kernel measures it, but on Node's clock when this handler runs.
    const rttNs = acked && m.echo > 0n ? Math.round(now * 1e6 - Number(m.echo)) : undefined
    if (rttNs !== undefined && rttNs >= 0) this.emit({source: 'ack', peerId: m.from, rttNs, atMs: now})
    if (this.learners.has(m.from)) {
      if (acked) this.learners.recordAck(m.from, now, rttNs === undefined ? undefined : rttNs / 1e6)
      return
    }
    this.handle(node.step(m, now))
    if (m.type === 'Heartbeat' && node.status().leaderId === m.from) this.lastLeaderHeardMs = now
  }

  // --- acting on the state machine --------------------------------------------------------------------

  /** Persist, then send, then report (the Ready contract). A failed persist sends nothing. */
  private handle(ready: Ready): void {
    if (ready.persist) this.durability.persist(ready.persist)
    for (const m of ready.messages) {
      const to = this.options.members.find((p) => p.id === m.to)
      if (to) this.dataplane.send(to, this.stampedNow(m))
    }
    const heartbeat = ready.heartbeat
    if (heartbeat) {
      for (const learner of this.learners.list()) this.dataplane.send(learner, this.stampedNow({...heartbeat, to: learner.id}))
      this.heartbeatRounds++
    }
    for (const event of ready.events) {
      if (event.kind === 'became-leader') this.learners.clearAcks(this.now())
      this.emit({source: 'raft', event})
    }
    const limit = this.options.crashAfterHeartbeats
    if (limit !== undefined && this.heartbeatRounds >= limit && !this.crashed) this.crashForever(limit)
  }

  /**
   * A heartbeat carries its own send time, not its round's: a send on veth runs the whole path to
   * the peer and back before it returns, so a shared stamp would add the earlier peers' sends to
   * the later peers' round trips.
   */
  private stampedNow(m: Message): Message {
    return m.type === 'Heartbeat' ? {...m, echo: BigInt(Math.round(this.now() * 1e6))} : m
  }

  private reschedule(): void {
    const node = this.node
    const deadlineMs = node && this.phase === 'running' && !this.crashed ? node.nextDeadlineMs() : undefined
    // Most events (every ack) leave the deadline where it was: a new timer each time was garbage.
    if (this.timer && deadlineMs === this.timerAtMs) return
    this.timer?.cancel()
    this.timer = undefined
    if (deadlineMs === undefined || !node) return
    this.timerAtMs = deadlineMs
    this.timer = this.scheduler.at(deadlineMs, () => {
      this.timer = undefined
      this.guard(() => {
        this.noteKernelTimerReset(node)
        const now = this.now() // one moment for both: acks are fetched exactly when the tick decides
        this.noteKernelAcks(node, now)
        this.handle(node.tick(now))
      })
    })
  }

  /**
   * The kernel reports only heartbeats that bring news, and its reports may wait unread (a busy
   * event loop): its shared record of the last vote granted or heartbeat accepted decides, so no
   * election starts while a leader is being heard, and the timeout counts from that moment.
   */
  private noteKernelTimerReset(node: RaftNode): void {
    const resetMs = this.dataplane.lastTimerResetMs?.()
    if (resetMs === undefined || resetMs < this.startedAtMs || resetMs <= this.kernelTimerResetMs) return
    this.kernelTimerResetMs = resetMs
    this.handle(node.noteTimerReset(this.now(), undefined, resetMs))
  }

  /**
   * Acks reach the ring buffer without waking its reader: before check-quorum decides, the
   * kernel's peer records say who acked this leader's term, and when (read only then: they cost).
   */
  private noteKernelAcks(node: RaftNode, now: number, onlyWhenDue = true): void {
    if (onlyWhenDue && now < node.checkQuorumDeadlineMs()) return
    if (this.dataplane.store.load().role !== 'leader') return
    for (const ack of this.dataplane.lastAcks?.() ?? []) if (ack.atMs >= this.startedAtMs) this.noteKernelAck(node, now, ack)
  }

  /** One kernel-counted ack, a learner's or a member's; noteAck measures the round trip from the echoed send time. */
  private noteKernelAck(node: RaftNode, now: number, ack: PeerAck): void {
    if (this.learners.has(ack.peerId)) return this.learners.recordAck(ack.peerId, ack.atMs, ack.rttNs > 0n ? Number(ack.rttNs) / 1e6 : undefined)
    const echo = ack.rttNs > 0n ? BigInt(Math.round(ack.atMs * 1e6)) - ack.rttNs : undefined
    node.noteAck(ack.peerId, now, echo, ack.atMs)
  }

  /** Runs a step of the node; anything it throws is fatal (a node that cannot persist must not go on). */
  private guard(step: () => void): void {
    try {
      step()
      this.reschedule()
    } catch (error) {
      void this.shutdown(error instanceof Error ? error : new Error(String(error)))
    }
  }

  // --- crashes ------------------------------------------------------------------------------------

  private beginCrash(detail: string): void {
    this.crashed = true
    this.dataplane.setCrashed(true)
    this.timer?.cancel()
    this.timer = undefined
    this.emitNode('crash-started', detail)
  }

  /**
   * --crash-after-heartbeats: the prototype's testing knob. Once this node has sent that many
   * heartbeat rounds as leader (counted over the process's life), it crashes like crash-simulate,
   * but for good: the kernel drops every raft packet and nothing is sent until the process stops.
   * The process stays up (its API still answers), so tests watch the others elect a new leader.
   */
  private crashForever(rounds: number): void {
    this.beginCrash(`after ${rounds} heartbeat rounds as leader (--crash-after-heartbeats); crashed until the process stops`)
  }

  /** Back from a crash: a follower of the same term (CAS, the kernel may move meanwhile) with a fresh timeout. */
  private rejoin(): void {
    this.crashed = false
    this.dataplane.setCrashed(false)
    const store = this.dataplane.store
    for (let i = 0; i < 16; i++) {
      const s = store.load()
      if (s.role === 'follower' || store.compareAndSwap(s, {...s, role: 'follower'})) break
    }
    this.emitNode('crash-ended', 'rejoining as a follower with a fresh election timeout')
    const node = this.node!
    this.handle(node.observe(this.now()))
    this.handle(node.noteTimerReset(this.now()))
  }

  // --- plumbing ---------------------------------------------------------------------------------------

  private async shutdown(error?: Error): Promise<void> {
    if (this.phase === 'stopped' || this.closing) return
    this.closing = true // a listener failing on the line below must not shut down twice
    if (error && this.phase === 'running') this.emitNode('stopping', `fatal: ${error.message}`)
    this.phase = 'stopped'
    this.timer?.cancel()
    this.timer = undefined
    if (this.crashEnd) {
      this.crashEnd.timer.cancel()
      this.crashEnd.finish()
    }
    try {
      await this.dataplane.close()
    } catch (closeError) {
      error ??= closeError as Error
    }
    if (error) this.settle.reject(error)
    else this.settle.resolve()
  }

  private requireRunning(): RaftNode {
    if (!this.node || this.phase !== 'running') throw new ControlError('the node is not running', 503)
    return this.node
  }

  private viewInput(): ViewInput {
    const {self, members} = this.options
    return {node: this.requireRunning(), hard: this.dataplane.store.load(), self, members, nowMs: this.now(),
      crashed: this.crashed, dataplane: this.dataplane.kind, lastLeaderHeardMs: this.leaderHeardMs()}
  }

  private leadsTerm(term: bigint): boolean {
    const s = this.dataplane.store.load()
    return s.role === 'leader' && s.term === term
  }

  /** The last heartbeat from the leader: the kernel's record is fresher than its events (xdp). */
  private leaderHeardMs(): number | undefined {
    const kernel = this.dataplane.lastLeaderHeardMs?.()
    if (kernel === undefined || kernel < this.startedAtMs) return this.lastLeaderHeardMs
    return Math.max(kernel, this.lastLeaderHeardMs ?? kernel)
  }

  private now(): number {
    this.lastNowMs = Math.max(this.lastNowMs, this.scheduler.now())
    return this.lastNowMs
  }

  private emitNode(kind: Extract<NodeEvent, {source: 'node'}>['kind'], detail?: string): void {
    this.emit({source: 'node', kind, atMs: this.now(), ...(detail === undefined ? {} : {detail})})
  }

  private emit(event: NodeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event)
      } catch (error) {
        void this.shutdown(new Error(`an event listener failed: ${(error as Error).message}`, {cause: error}))
      }
    }
  }
}
