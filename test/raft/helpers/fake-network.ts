/**
 * An in-memory cluster of RaftNodes on a simulated clock and network (after etcd-io/raft's test
 * network): links can be cut one way or both, nodes isolated, partitioned, crashed, resumed or
 * restarted on their stored hard state, and messages dropped with a seeded PRNG. Every step is shown to
 * a SafetyObserver. Time only moves in run*(): each iteration delivers the earliest message or fires
 * the earliest node deadline.
 */
import {RaftNode, type RaftNodeOptions, type Ready} from '../../../src/raft/node.js'
import type {RaftEvent} from '../../../src/raft/events.js'
import {MemoryHardStateStore} from '../../../src/raft/store.js'
import type {HardState, Message} from '../../../src/raft/types.js'
import {seededRandom} from './prng.js'
import {SafetyObserver} from './safety-observer.js'

/** How a simulated cluster is built. */
export interface SimOptions {
  size: number
  seed: number
  heartbeatIntervalMs?: number
  electionTimeoutMinMs?: number
  electionTimeoutMaxMs?: number
  /** One-way delay of a message, ms; default uniform in [0.5, 2). */
  latencyMs?: (rng: () => number) => number
  nodeOptions?: RaftNodeOptions
  /** The random source of node `id`; default a PRNG seeded from (seed, id). */
  randomFor?: (id: number) => () => number
}

interface SimNode {
  id: number
  store: MemoryHardStateStore
  node: RaftNode
  up: boolean
  events: RaftEvent[]
}

interface InFlight {
  atMs: number
  message: Message
}

/** A simulated cluster with ids 1..size. */
export class SimCluster {
  readonly observer = new SafetyObserver()
  readonly ids: number[]
  /** Fraction of messages lost, decided per message with the seeded PRNG. */
  dropRate = 0
  /** Messages handed to the network, keyed `${type}>${to}` (sent, whether or not delivered). */
  readonly sent = new Map<string, number>()
  private now = 0
  private readonly rng: () => number
  private readonly nodes = new Map<number, SimNode>()
  private readonly cutLinks = new Set<string>()
  private queue: InFlight[] = []

  constructor(private readonly opts: SimOptions) {
    this.rng = seededRandom(opts.seed)
    this.ids = Array.from({length: opts.size}, (_, i) => i + 1)
    for (const id of this.ids) {
      const store = new MemoryHardStateStore()
      this.nodes.set(id, {id, store, node: this.newNode(id, store), up: true, events: []})
    }
  }

  /** The simulated clock, ms. */
  get nowMs(): number {
    return this.now
  }

  /** T, the minimum election timeout; a "round" of SCENARIOS.md is 2T. */
  get roundMs(): number {
    return 2 * (this.opts.electionTimeoutMinMs ?? 150)
  }

  node(id: number): RaftNode {
    return this.sim(id).node
  }

  hardState(id: number): HardState {
    return this.sim(id).store.load()
  }

  /** Every event node `id` reported so far. */
  events(id: number): RaftEvent[] {
    return this.sim(id).events
  }

  isUp(id: number): boolean {
    return this.sim(id).up
  }

  // --- faults -------------------------------------------------------------------------------------

  /** Drop everything from `from` to `to`. */
  cutOneWay(from: number, to: number): void {
    this.cutLinks.add(`${from}>${to}`)
  }

  /** Drop everything between a and b. */
  cut(a: number, b: number): void {
    this.cutOneWay(a, b)
    this.cutOneWay(b, a)
  }

  /** Cut `id` off from every other node. */
  isolate(id: number): void {
    for (const other of this.ids) if (other !== id) this.cut(id, other)
  }

  /** Cut every link between `group` and the rest. */
  partition(group: readonly number[]): void {
    for (const a of group) for (const b of this.ids) if (!group.includes(b)) this.cut(a, b)
  }

  /** Restore every link (crashed nodes stay down). */
  heal(): void {
    this.cutLinks.clear()
  }

  /** Stop a node: it neither ticks nor receives (crash-simulate). */
  crash(id: number): void {
    this.sim(id).up = false
  }

  /** Resume a crashed node with its in-memory state (the end of crash-simulate). */
  resume(id: number): void {
    this.sim(id).up = true
  }

  /** kill -9 and start again: a new RaftNode over the same stored hard state. */
  restart(id: number): void {
    const s = this.sim(id)
    s.node = this.newNode(id, s.store)
    s.up = true
  }

  // --- running --------------------------------------------------------------------------------------

  /** Run the simulation for `ms` of simulated time. */
  runFor(ms: number): void {
    this.runUntil(() => false, ms)
  }

  /** Run until `done()` holds (checked after every step) or `limitMs` passed; returns whether it held. */
  runUntil(done: () => boolean, limitMs: number): boolean {
    const end = this.now + limitMs
    let spins = 0
    for (;;) {
      if (done()) return true
      const next = this.nextEvent()
      if (next.atMs > end) {
        this.now = end
        return done()
      }
      spins = next.atMs === this.now ? spins + 1 : 0
      if (spins > 10_000) throw new Error(`simulation stuck at ${this.now} ms`)
      this.now = Math.max(this.now, next.atMs)
      next.run()
    }
  }

  /** How many messages of `type` were sent so far, to `to` or to anyone. */
  sentCount(type: string, to?: number): number {
    let n = 0
    for (const [key, count] of this.sent) if (key === `${type}>${to}` || (to === undefined && key.startsWith(`${type}>`))) n += count
    return n
  }

  // --- views ---------------------------------------------------------------------------------------

  /** Up nodes whose hard state says leader. */
  leaders(): number[] {
    return this.ids.filter((id) => this.isUp(id) && this.hardState(id).role === 'leader')
  }

  /**
   * The leader every node in `among` (default: all up nodes) agrees on: exactly one of them leads,
   * all share its term and know it as leader. Undefined when there is no such agreement.
   */
  agreedLeader(among: readonly number[] = this.ids.filter((id) => this.isUp(id))): number | undefined {
    const leaders = among.filter((id) => this.hardState(id).role === 'leader')
    if (leaders.length !== 1) return undefined
    const leader = leaders[0]
    const term = this.hardState(leader).term
    const agree = among.every((id) => this.hardState(id).term === term && this.node(id).status().leaderId === leader)
    return agree ? leader : undefined
  }

  /** A leader holds the highest term among up nodes (a working leader exists right now). */
  hasCurrentLeader(): boolean {
    const up = this.ids.filter((id) => this.isUp(id))
    const top = up.reduce((max, id) => (this.hardState(id).term > max ? this.hardState(id).term : max), 0n)
    return up.some((id) => this.hardState(id).role === 'leader' && this.hardState(id).term === top)
  }

  // --- internals ----------------------------------------------------------------------------------

  private newNode(id: number, store: MemoryHardStateStore): RaftNode {
    const config = {
      selfId: id,
      members: this.ids,
      heartbeatIntervalMs: this.opts.heartbeatIntervalMs ?? 50,
      electionTimeoutMinMs: this.opts.electionTimeoutMinMs ?? 150,
      electionTimeoutMaxMs: this.opts.electionTimeoutMaxMs,
    }
    const random = this.opts.randomFor?.(id) ?? seededRandom(this.opts.seed * 1000 + id)
    return new RaftNode(config, store, random, {...this.opts.nodeOptions, nowMs: this.now})
  }

  private sim(id: number): SimNode {
    const s = this.nodes.get(id)
    if (!s) throw new Error(`no node n${id} in a cluster of ${this.ids.length}`)
    return s
  }

  private nextEvent(): {atMs: number; run: () => void} {
    let best: {atMs: number; run: () => void} = {atMs: Number.POSITIVE_INFINITY, run: () => {}}
    const head = this.queue[0]
    if (head) best = {atMs: head.atMs, run: () => this.deliver(this.queue.shift()!)}
    for (const s of this.nodes.values()) {
      if (!s.up) continue
      const at = Math.max(s.node.nextDeadlineMs(), this.now)
      if (at < best.atMs) best = {atMs: at, run: () => this.handle(s, s.node.tick(this.now))}
    }
    return best
  }

  private deliver(f: InFlight): void {
    const s = this.sim(f.message.to)
    if (!s.up || this.cutLinks.has(`${f.message.from}>${f.message.to}`)) return
    this.handle(s, s.node.step(f.message, this.now))
  }

  private handle(s: SimNode, ready: Ready): void {
    s.events.push(...ready.events)
    this.observer.observe(this.now, s.id, s.store.load(), ready.events)
    for (const m of ready.messages) this.send(m)
  }

  private send(m: Message): void {
    const key = `${m.type}>${m.to}`
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1)
    if (this.cutLinks.has(`${m.from}>${m.to}`) || !this.sim(m.to).up) return
    if (this.dropRate > 0 && this.rng() < this.dropRate) return
    const latency = this.opts.latencyMs ? this.opts.latencyMs(this.rng) : 0.5 + 1.5 * this.rng()
    const f: InFlight = {atMs: this.now + latency, message: m}
    // Keep the queue ordered by arrival time, then by send order.
    let i = this.queue.length
    while (i > 0 && this.queue[i - 1].atMs > f.atMs) i--
    this.queue.splice(i, 0, f)
  }
}
