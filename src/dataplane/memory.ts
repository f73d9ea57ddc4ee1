/**
 * An in-memory fake of both dataplanes for fast runtime tests (hashicorp/raft's InmemTransport
 * habit): MemoryDataplanes exchange real wire bytes over a MemoryNetwork that can cut links, isolate
 * nodes and drop messages. With `answerInKernel` a MemoryDataplane plays the XDP program: it answers
 * and counts with the shared rules (src/raft/rules.ts), enforces a term limit and reports what it
 * did as the kernel's events, so the node driver's xdp path runs without BPF.
 */
import {decide, type RuleOutcome} from '../raft/rules.js'
import {type HardState, type HardStateStore, type Message, MemoryHardStateStore, sameHardState} from '../raft/index.js'
import type {Dataplane, DataplaneBoot, DataplaneEvent, DataplaneOptions, PeerAck, PeerAddress} from './dataplane.js'
import {FIRST_BOOT, acceptMessage, encodeFor, monotonicMs, senderTable, type SenderTable} from './userspace.js'
import {type KernelEventRecord, kernelDataplaneEvents} from './xdp.js'

/** How a MemoryNetwork delivers. */
export interface MemoryNetworkOptions {
  /** Runs `fn` after `delayMs`; default setTimeout. A fake clock's scheduler makes runs repeatable. */
  schedule?: (delayMs: number, fn: () => void) => void
  /** One-way latency of every datagram, ms; default 0.2. */
  latencyMs?: number
  /** Decides drops when dropRate > 0; default Math.random. */
  random?: () => number
}

/** One address on a MemoryNetwork: receives what is sent to it, sends from it. */
export interface MemoryEndpoint {
  send(toAddr: string, bytes: Buffer): void
  close(): void
}

/** Datagrams between addresses, delivered later (never inside send), with faults on demand. */
export class MemoryNetwork {
  /** Fraction of datagrams lost. */
  dropRate = 0
  private readonly receivers = new Map<string, (bytes: Buffer, fromAddr: string) => void>()
  private readonly cuts = new Set<string>()
  private readonly schedule: (delayMs: number, fn: () => void) => void
  private readonly latencyMs: number
  private readonly random: () => number

  constructor(options: MemoryNetworkOptions = {}) {
    this.schedule = options.schedule ?? ((delayMs, fn) => void setTimeout(fn, delayMs))
    this.latencyMs = options.latencyMs ?? 0.2
    this.random = options.random ?? Math.random
  }

  /** Binds `addr`; throws if it is taken, like EADDRINUSE. */
  listen(addr: string, onReceive: (bytes: Buffer, fromAddr: string) => void): MemoryEndpoint {
    if (this.receivers.has(addr)) throw new Error(`${addr} is already bound on this memory network`)
    this.receivers.set(addr, onReceive)
    let open = true
    return {
      send: (toAddr, bytes) => {
        if (open) this.transmit(addr, toAddr, Buffer.from(bytes))
      },
      close: () => {
        if (open && this.receivers.get(addr) === onReceive) this.receivers.delete(addr)
        open = false
      },
    }
  }

  /** Drops everything from `from` to `to`. */
  cutOneWay(from: string, to: string): void {
    this.cuts.add(`${from}>${to}`)
  }

  /** Drops everything between a and b. */
  cut(a: string, b: string): void {
    this.cutOneWay(a, b)
    this.cutOneWay(b, a)
  }

  /** Cuts `addr` off from every address bound now. */
  isolate(addr: string): void {
    for (const other of this.receivers.keys()) if (other !== addr) this.cut(addr, other)
  }

  /** Restores every link. */
  heal(): void {
    this.cuts.clear()
  }

  /** Runs `fn` after `delayMs` on the network's scheduler (a fake clock's, in tests). */
  later(delayMs: number, fn: () => void): void {
    this.schedule(delayMs, fn)
  }

  private transmit(from: string, to: string, bytes: Buffer): void {
    if (this.cuts.has(`${from}>${to}`)) return
    if (this.dropRate > 0 && this.random() < this.dropRate) return
    this.schedule(this.latencyMs, () => this.receivers.get(to)?.(bytes, from))
  }
}

/** A MemoryDataplane's network and whether it plays the XDP program. */
export interface MemoryDataplaneOptions extends DataplaneOptions {
  network: MemoryNetwork
  /** Answer and count in the "kernel" (kind 'xdp'); default false (kind 'userspace'). */
  answerInKernel?: boolean
  /** The hard state to use instead of a fresh one: pinned maps that survived a process restart. */
  store?: MemoryHardStateStore
  /** The clock of event stamps and round trips (ms); default the monotonic clock. Tests pass a fake one. */
  clock?: () => number
  /** xdp style: T, the leader lease that denies PreVotes (raft_config.election_timeout_min_ns); default 150 ms. */
  electionTimeoutMinMs?: number
}

const ROLE_NAMES = {follower: 'RAFT_FOLLOWER', candidate: 'RAFT_CANDIDATE', leader: 'RAFT_LEADER'} as const
const MESSAGE_NAMES = {VoteRequest: 'RAFT_MSG_VOTE_REQUEST', VoteResponse: 'RAFT_MSG_VOTE_RESPONSE',
  Heartbeat: 'RAFT_MSG_HEARTBEAT', HeartbeatAck: 'RAFT_MSG_HEARTBEAT_ACK',
  PreVoteRequest: 'RAFT_MSG_PRE_VOTE_REQUEST', PreVoteResponse: 'RAFT_MSG_PRE_VOTE_RESPONSE'} as const

/** native/ring-buffer.cpp's kPollTimeoutMs: the longest an event that woke no reader waits. */
const RING_POLL_TIMEOUT_MS = 100

/** The kernel event a rule outcome corresponds to (bpf/raftctl.h enum raft_event_type), if any. */
const KERNEL_EVENT: Partial<Record<RuleOutcome['effect'], string>> = {
  'vote-granted': 'RAFT_EV_VOTE_GRANTED', 'vote-denied': 'RAFT_EV_VOTE_DENIED', stale: 'RAFT_EV_STALE_REJECTED',
  'vote-counted': 'RAFT_EV_VOTE_COUNTED', 'quorum-reached': 'RAFT_EV_QUORUM_REACHED', 'vote-rejected': 'RAFT_EV_VOTE_REFUSED',
  'heartbeat-accepted': 'RAFT_EV_HEARTBEAT', 'heartbeat-rejected': 'RAFT_EV_STALE_REJECTED',
  'ack-recorded': 'RAFT_EV_ACK_RECEIVED', 'term-adopted': 'RAFT_EV_TERM_ADOPTED',
  'pre-vote-granted': 'RAFT_EV_PRE_VOTE_GRANTED', 'pre-vote-denied': 'RAFT_EV_PRE_VOTE_DENIED',
}

/** A dataplane on a MemoryNetwork: userspace-style, or playing the XDP program. */
export class MemoryDataplane implements Dataplane {
  readonly kind: 'xdp' | 'userspace'
  /** Every term limit the driver set, in order (xdp style). */
  readonly termLimits: bigint[] = []
  /** The term limit in force; 0n = none. */
  termLimit = 0n
  crashed = false
  private memory: MemoryHardStateStore | undefined
  private endpoint: MemoryEndpoint | undefined
  private onEvent: (event: DataplaneEvent) => void = () => undefined
  private table: SenderTable
  private readonly memberIds: number[]
  /** Voters counted for the candidacy of `tallyTerm` (the kernel's tally word). */
  private tally = new Set<number>()
  private tallyTerm = -1n
  /** When the "kernel" last accepted a leader's heartbeat (raft_state.leader_heard_ktime_ns). */
  private leaderHeardMs: number | undefined
  /** raft_state.timer_reset_ktime_ns. */
  private timerResetMs: number | undefined
  /** raft_peers' last_ack_ktime_ns and rtt_ns, per peer id. */
  private readonly acks = new Map<number, PeerAck>()
  /** Ack events in the "ring" that woke no reader (BPF_RB_NO_WAKEUP), delivered with the next event or after a poll timeout. */
  private heldAcks: DataplaneEvent[] = []
  /** raft_state.leader_id and leader_term: a heartbeat is reported only when it changes them. */
  private announced: {leaderId: number; term: bigint} | undefined
  private readonly clock: () => number

  constructor(private readonly options: MemoryDataplaneOptions) {
    this.kind = options.answerInKernel ? 'xdp' : 'userspace'
    this.clock = options.clock ?? monotonicMs
    this.table = senderTable(options)
    this.memberIds = options.members.map((m) => m.id)
    this.memory = options.store
  }

  get store(): HardStateStore {
    if (!this.memory) throw new Error('the memory dataplane has no hard state before start()')
    return this.memory
  }

  async start(onEvent: (event: DataplaneEvent) => void, boot: DataplaneBoot = FIRST_BOOT): Promise<void> {
    this.onEvent = onEvent
    this.memory ??= new MemoryHardStateStore(boot.hardState)
    if (this.kind === 'xdp') boot.persistTermLimit?.() // as the XDP dataplane does, before its kernel has the limit
    this.termLimit = this.kind === 'xdp' ? boot.termLimit : 0n
    this.endpoint = this.options.network.listen(this.options.self.addr, (bytes, from) => this.receive(bytes, from))
  }

  describe(): string {
    return `memory (${this.kind} style) at ${this.options.self.addr}`
  }

  send(to: PeerAddress, message: Message): void {
    if (!this.crashed) this.endpoint?.send(to.addr, encodeFor(message, this.options.clusterId))
  }

  setCrashed(crashed: boolean): void {
    this.crashed = crashed
    if (!crashed) this.announced = undefined
  }

  lastTimerResetMs(): number | undefined {
    return this.timerResetMs
  }

  lastLeaderHeardMs(): number | undefined {
    return this.leaderHeardMs
  }

  lastAcks(): PeerAck[] {
    return [...this.acks.values()]
  }

  setLearners(learners: PeerAddress[]): void {
    this.table = senderTable(this.options, learners)
  }

  setTermLimit(limit: bigint): void {
    this.termLimits.push(limit)
    this.termLimit = limit
  }

  async close(): Promise<void> {
    this.endpoint?.close()
    this.endpoint = undefined
    this.heldAcks = [] // a closed ring delivers nothing more
  }

  private receive(bytes: Buffer, fromAddr: string): void {
    if (this.crashed) return
    const message = acceptMessage(bytes, fromAddr, this.table)
    if (!message) return
    if (this.kind === 'userspace') return this.onEvent({kind: 'message', message, atMs: this.clock()})
    this.answerAsKernel(message, fromAddr)
  }

  /** What bpf/raftctl.bpf.c does with a message, in the rules' words. */
  private answerAsKernel(m: Message, fromAddr: string): void {
    const store = this.store
    const before = store.load()
    const limited = this.termLimit > 0n && m.term > this.termLimit && m.type !== 'PreVoteRequest'
    if (limited) return this.report('RAFT_EV_TERM_LIMIT', m, before, before, m.term)
    if (!this.memberIds.includes(m.from)) return this.learnerAck(m, before)
    let state: HardState
    let outcome: RuleOutcome
    const leaseMs = this.options.electionTimeoutMinMs ?? 150
    const leaderHeardRecently = this.leaderHeardMs !== undefined && this.leaderHeardMs + leaseMs > this.clock()
    do {
      state = store.load()
      const votesBefore = state.term === this.tallyTerm ? [...this.tally] : []
      outcome = decide({self: this.options.self.id, members: this.memberIds, state, votesBefore, leaderHeardRecently, message: m})
    } while (!sameHardState(outcome.next, state) && !store.compareAndSwap(state, outcome.next))
    if (outcome.countedVoter !== undefined) this.countVote(state.term, outcome.countedVoter)
    if (outcome.leaderId !== undefined) this.leaderHeardMs = this.clock()
    if (outcome.timerReset) this.timerResetMs = this.clock()
    const quiet = outcome.effect === 'heartbeat-accepted' && sameHardState(outcome.next, state) &&
      this.announced?.leaderId === m.from && this.announced.term === m.term
    if (outcome.effect === 'heartbeat-accepted') this.announced = {leaderId: m.from, term: m.term}
    if (outcome.effect === 'quorum-reached') this.announced = {leaderId: this.options.self.id, term: outcome.next.term}
    if (outcome.reply) {
      const reply = {...outcome.reply, from: this.options.self.id, to: m.from, echo: m.echo}
      this.endpoint?.send(fromAddr, encodeFor(reply, this.options.clusterId))
    }
    // Pre-votes are counted by the node: the program passes their responses up to its socket.
    if (m.type === 'PreVoteResponse') {
      if (outcome.termAdopted) this.report('RAFT_EV_TERM_ADOPTED', m, state, outcome.next, 0n)
      return this.onEvent({kind: 'message', message: m, atMs: this.clock()})
    }
    const type = KERNEL_EVENT[outcome.effect]
    if (!type || quiet) return
    const value = type === 'RAFT_EV_VOTE_COUNTED' || type === 'RAFT_EV_QUORUM_REACHED' ? BigInt(this.tally.size + 1)
      : type === 'RAFT_EV_ACK_RECEIVED' ? BigInt(Math.max(0, Math.round(monotonicMs() * 1e6) - Number(m.echo)))
        : m.term
    this.report(type, m, state, outcome.next, value)
  }

  /** The kernel records a learner's successful ack of the leader's term; nothing else of theirs counts. */
  private learnerAck(m: Message, state: HardState): void {
    if (m.type !== 'HeartbeatAck' || !m.flag || state.role !== 'leader' || m.term !== state.term) return
    this.report('RAFT_EV_ACK_RECEIVED', m, state, state, this.rttNs(m.echo))
  }

  /** Round trip of a reply echoing a send time in ns, as the kernel measures it (0 when implausible). */
  private rttNs(echo: bigint): bigint {
    const rtt = BigInt(Math.round(this.clock() * 1e6)) - echo
    return rtt >= 0n && echo > 0n ? rtt : 0n
  }

  private countVote(term: bigint, voter: number): void {
    if (term !== this.tallyTerm) this.tally = new Set()
    this.tallyTerm = term
    this.tally.add(voter)
  }

  private report(type: string, m: Message, prev: HardState, next: HardState, value: bigint): void {
    const record: KernelEventRecord = {
      ktime_ns: BigInt(Math.round(this.clock() * 1e6)), term: next.term, prev_term: prev.term, value,
      peer_id: m.from, type, msg_type: MESSAGE_NAMES[m.type], role: ROLE_NAMES[next.role], prev_role: ROLE_NAMES[prev.role],
    }
    const events = kernelDataplaneEvents(record)
    if (type !== 'RAFT_EV_ACK_RECEIVED') {
      this.flushAcks()
      for (const event of events) this.onEvent(event)
      return
    }
    this.acks.set(m.from, {peerId: m.from, atMs: this.clock(), rttNs: value})
    if (this.heldAcks.length === 0) this.options.network.later(RING_POLL_TIMEOUT_MS, () => this.flushAcks())
    this.heldAcks.push(...events)
  }

  private flushAcks(): void {
    const held = this.heldAcks
    this.heldAcks = []
    for (const event of held) this.onEvent(event)
  }
}
