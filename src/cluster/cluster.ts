/**
 * A Raft cluster of network namespaces on this machine (DESIGN.md "Testing"): N nodes, each a
 * `raftctl run` in its own namespace, joined by a bridge in a switch namespace, with faults
 * injected on the bridge side, every event collected into one log and checked by the safety
 * observer as it arrives. Used by the cluster tests, `raftctl cluster up` and benchmarks.
 */
import {mkdirSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {setTimeout as sleep} from 'node:timers/promises'
import {killOnExit, removeCluster, type CleanupReport} from './cleanup.js'
import type {LogEntry} from './events.js'
import {applyFaults, createFaultTable, partitionDrops, type FaultState} from './faults.js'
import {ownManifest, writeManifest} from './manifest.js'
import {CLUSTER_API_PORT, clusterNames, uniqueClusterName, type ClusterNames} from './names.js'
import {dataplaneOf, nodeArgv} from './node-args.js'
import {NodeProcess, type ApiReply} from './node-process.js'
import {SafetyObserver} from './observer.js'
import {readHardState, readKernelView, readRaftStats, type RaftStats} from './kernel-maps.js'
import type {HardState} from '../raft/types.js'
import {attachEndpoint, createSwitch, setSwitchPort} from './topology.js'
import {agreedLeader, RoleTracker, type RoleView} from './tracker.js'

/** The dataplane of one node. */
export type DataplaneKind = 'xdp' | 'userspace'

/** How to build a cluster. */
export interface ClusterOptions {
  nodes: number
  /** Namespace name prefix (default: unique to this process); `raftctl cluster up` uses "rc". */
  name?: string
  subnet?: number
  /** One for all nodes, 'mixed' (xdp, userspace, xdp, ...), or one per node. */
  dataplane?: DataplaneKind | 'mixed' | DataplaneKind[]
  heartbeatMs?: number
  electionTimeoutMs?: {min: number; max: number}
  /** Extra namespaces on the bridge that are not members (test hosts for foreign traffic). */
  hosts?: number
  /** The command run per node instead of `node bin/run.js run` (a stand-in for harness tests). */
  command?: string[]
  /** More arguments for a node's command. */
  extraArgs?: (node: number) => string[]
  clusterId?: number
  /** Called with every log entry as it arrives (after the observer saw it). */
  onEntry?: (entry: LogEntry) => void
}

const live = new Set<Cluster>()
killOnExit(() => [...live].flatMap((cluster) => cluster.processIds()))

/** A wait that ended because the cluster is being torn down: expected at the end of a session, not a failure. */
export class ClusterGoneError extends Error {}

/** A running namespace cluster. Nodes are numbered 1..N, which are also their raft ids. */
export class Cluster {
  /** Every entry of every node, in arrival order. */
  readonly log: LogEntry[] = []
  readonly observer = new SafetyObserver()
  readonly tracker = new RoleTracker()
  readonly names: ClusterNames
  readonly nodes: number[]
  readonly dataplanes: DataplaneKind[]
  readonly heartbeatMs: number
  readonly electionTimeoutMs: {min: number; max: number}
  private readonly processes = new Map<number, NodeProcess>()
  private readonly cutNodes = new Set<number>()
  private faults: FaultState = {drops: [], lossPercent: 0}
  private destroyed?: Promise<CleanupReport>

  private constructor(readonly options: ClusterOptions) {
    this.names = clusterNames(options.name ?? uniqueClusterName(), options.subnet)
    this.nodes = Array.from({length: options.nodes}, (_, i) => i + 1)
    this.dataplanes = this.nodes.map((n) => dataplaneOf(options.dataplane, n))
    this.heartbeatMs = options.heartbeatMs ?? 50
    this.electionTimeoutMs = options.electionTimeoutMs ?? {min: 150, max: 300}
  }

  /** Builds the network (removing it again if any step fails) and writes the manifest; nodes not started. */
  static async create(options: ClusterOptions): Promise<Cluster> {
    if (!(options.nodes >= 1 && options.nodes <= 64)) throw new Error(`a cluster has 1 to 64 nodes, not ${options.nodes}`)
    const cluster = new Cluster(options)
    live.add(cluster)
    try {
      cluster.build()
    } catch (error) {
      await cluster.destroy()
      throw error
    }
    return cluster
  }

  /** A round of SCENARIOS.md: twice the shortest election timeout T, in ms. */
  get roundMs(): number {
    return 2 * this.electionTimeoutMs.min
  }

  /** Starts every node (or the given ones). */
  start(nodes = this.nodes): void {
    for (const n of nodes) this.process(n).start()
  }

  /** Nodes whose link is up, whose process runs and that are not crash-simulated. */
  connected(): number[] {
    return this.nodes.filter((n) => !this.cutNodes.has(n) && this.process(n).pid !== undefined && !this.view(n)?.crashed)
  }

  /**
   * Node `n`'s role, term and leader now: from the kernel for an xdp node (the state both sides
   * change, read at once), from its events for a userspace node. Undefined before it has any.
   */
  view(n: number): (RoleView & {crashed?: boolean}) | undefined {
    if (this.dataplanes[n - 1] === 'xdp') {
      try {
        return {node: n, ...readKernelView(this.names.pinDir(n), this.names.nodeIface(n))}
      } catch {
        return undefined // not attached yet
      }
    }
    return this.tracker.view(n)
  }

  /** The leader every node in `among` (default: the connected ones) agrees on, if any. */
  currentLeader(among = this.connected()): {leader: number; term: bigint} | undefined {
    return agreedLeader(among.map((n) => this.view(n)))
  }

  /**
   * Waits until every node in `nodes` printed its `started` line (at `since` or later) and answers
   * GET /state promptly, and returns that moment. A node elects before its API listens (loading
   * the API takes most of a second), and is busy for a while after it starts (more so with many
   * nodes starting on few CPUs): a caller that crashes a leader through its API waits for this.
   */
  async waitForStart(nodes = this.nodes, since = 0): Promise<number> {
    await this.waitFor(`${nodes.map((n) => `n${n}`).join(',')} to start`, () => nodes.every((n) =>
      this.log.some((e) => e.node === n && e.atMs >= since && e.line?.kind === 'started')), 30_000)
    const deadline = performance.now() + 30_000
    for (const n of nodes) {
      for (;;) {
        const t = performance.now()
        const ok = await this.api(n, 'GET', '/state', undefined, 1000).then((r) => r.status === 200, () => false)
        if (ok && performance.now() - t < 100) break
        if (performance.now() > deadline) throw new Error(`n${n} does not answer GET /state promptly\n${this.tail()}`)
        await sleep(20)
      }
    }
    return performance.now()
  }

  /** Waits until `among` agree on one leader; fails fast on a safety violation. */
  async waitForLeader(timeoutMs: number, among?: () => number[]): Promise<{leader: number; term: bigint}> {
    let found: {leader: number; term: bigint} | undefined
    await this.waitFor('one leader agreed by ' + describeNodes((among ?? (() => this.connected()))()), () => {
      found = this.currentLeader(among?.())
      return found !== undefined
    }, timeoutMs)
    return found!
  }

  /**
   * Waits for `done()`, polling every 10 ms; throws on timeout (with the log's tail), on a safety
   * violation, or at once when the cluster is being torn down (nothing more will happen).
   */
  async waitFor(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      this.observer.assertSafe()
      if (done()) return
      if (this.destroyed) throw new ClusterGoneError(`the cluster was torn down while waiting for ${what}`)
      const dead = this.nodes.find((n) => this.failed(n))
      if (dead) throw new Error(`n${dead} exited by itself while waiting for ${what}\n${this.tail()}`)
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.tail()}`)
      await sleep(10)
    }
  }

  /**
   * Watches for `ms`, failing at once on a safety violation, when a node exits by itself, or when
   * `invariant` throws (checked every 10 ms).
   */
  async hold(ms: number, invariant?: () => void): Promise<void> {
    const end = performance.now() + ms
    const check = () => {
      this.observer.assertSafe()
      const dead = this.nodes.find((n) => this.failed(n))
      if (dead) throw new Error(`n${dead} exited by itself while holding for ${ms} ms\n${this.tail()}`)
      try {
        invariant?.()
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${this.tail()}`, {cause: error})
      }
    }
    while (performance.now() < end) {
      check()
      await sleep(Math.min(10, end - performance.now()))
    }
    check()
  }

  /** Takes node `n` off the bridge (its switch port down) or puts it back. */
  setCut(n: number, cut: boolean): void {
    setSwitchPort(this.names, this.names.switchIface(n), !cut)
    if (cut) this.cutNodes.add(n)
    else this.cutNodes.delete(n)
  }

  /** Drops all traffic between the groups (nft on the bridge); replaces any earlier partition. */
  partition(groups: number[][]): void {
    this.setFaults({...this.faults, drops: partitionDrops(groups.map((g) => g.map((n) => this.names.addr(n))))})
  }

  /** Drops traffic from node `from` to node `to` only. */
  cutOneWay(from: number, to: number): void {
    this.setFaults({...this.faults, drops: [...this.faults.drops, {from: this.names.addr(from), to: this.names.addr(to)}]})
  }

  /** Drops `percent` of IPv4 frames on every link. */
  setLoss(percent: number): void {
    this.setFaults({...this.faults, lossPercent: percent})
  }

  /** Clears every nft fault and puts every cut node back. */
  healAll(): void {
    this.setFaults({drops: [], lossPercent: 0})
    for (const n of [...this.cutNodes]) this.setCut(n, false)
  }

  /** Kills node `n`'s process (default SIGKILL: no cleanup at all) and waits for it to exit. */
  async kill(n: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process(n).kill(signal)
    this.tracker.forget(n)
  }

  /** Starts node `n` again with the same arguments, and so the same state dir and pins. */
  restart(n: number): void {
    this.process(n).start()
  }

  /**
   * POST /crash on node `n`: it behaves as crashed for `forMs`, then rejoins as a follower. The API
   * answers 202 at once; this resolves when the node logs the end of the crash.
   */
  async crash(n: number, forMs: number): Promise<ApiReply> {
    const since = performance.now()
    const reply = await this.api(n, 'POST', '/crash', {for_ms: forMs})
    if (reply.status !== 200 && reply.status !== 202) throw new Error(`POST /crash on n${n} answered ${reply.status}: ${JSON.stringify(reply.body)}`)
    await this.waitFor(`the end of n${n}'s crash`, () =>
      this.log.some((e) => e.node === n && e.atMs >= since && e.line?.kind === 'crash-ended'), forMs + 10_000)
    return reply
  }

  /** Calls node `n`'s HTTP API. */
  api(n: number, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number): Promise<ApiReply> {
    return this.process(n).api(method, path, body, timeoutMs)
  }

  /** Node `n`'s kernel packet counters (xdp nodes). */
  stats(n: number): RaftStats {
    return readRaftStats(this.names.pinDir(n), this.names.nodeIface(n))
  }

  /** Node `n`'s hard state in its pinned map (xdp nodes), whether or not its process runs. */
  hardState(n: number): HardState {
    return readHardState(this.names.pinDir(n), this.names.nodeIface(n))
  }

  /** Whether node `n`'s process exited without being asked to (start-up error or crash). */
  failed(n: number): boolean {
    return this.process(n).failed
  }

  /** The process id of node `n`, undefined while it is not running. */
  pid(n: number): number | undefined {
    return this.process(n).pid
  }

  /** Every process the harness started and that still runs. */
  processIds(): number[] {
    return [...this.processes.values()].flatMap((p) => p.pids())
  }

  /** The last `count` log entries as text, for failure messages. */
  tail(count = 40): string {
    return this.log.slice(-count).map((e) => `  ${(e.atMs / 1000).toFixed(3)} n${e.node} ${e.line ? e.line.message : e.text}`).join('\n')
  }

  /** Stops every node, then removes everything found by the cluster's name. Idempotent. */
  destroy(): Promise<CleanupReport> {
    this.destroyed ??= (async () => {
      const pids = this.processIds()
      await Promise.all([...this.processes.values()].map((p) => p.stop(1500)))
      for (const p of this.processes.values()) p.closeRelay()
      const report = await removeCluster(this.names, pids)
      live.delete(this)
      return report
    })()
    return this.destroyed
  }

  private build(): void {
    const names = this.names
    writeManifest(names.runDir, ownManifest(names.name, this.nodes.map((n) => ({
      node: n, netns: names.nodeNs(n), iface: names.nodeIface(n), addr: names.addr(n), dataplane: this.dataplanes[n - 1]!,
      apiSocket: names.apiSocket(n)}))))
    createSwitch(names)
    createFaultTable(names.switchNs)
    for (const n of this.nodes) {
      attachEndpoint(names, {netns: names.nodeNs(n), iface: names.nodeIface(n), switchIface: names.switchIface(n), addr: names.addr(n)})
      mkdirSync(names.stateDir(n), {recursive: true})
      this.processes.set(n, new NodeProcess({node: n, netns: names.nodeNs(n), argv: nodeArgv(this, n),
        apiSocket: names.apiSocket(n), apiPort: CLUSTER_API_PORT}, (entry) => this.record(entry)))
    }
    for (let h = 1; h <= (this.options.hosts ?? 0); h++) {
      attachEndpoint(names, {netns: names.hostNs(h), iface: names.hostIface(h), switchIface: names.hostSwitchIface(h), addr: names.hostAddr(h)})
    }
  }

  private record(entry: LogEntry): void {
    this.log.push(entry)
    this.observer.observe(entry)
    this.tracker.observe(entry)
    this.options.onEntry?.(entry)
  }

  private setFaults(faults: FaultState): void {
    applyFaults(this.names.switchNs, faults)
    this.faults = faults
  }

  private process(n: number): NodeProcess {
    const p = this.processes.get(n)
    if (!p) throw new Error(`no node n${n} in a cluster of ${this.nodes.length}`)
    return p
  }
}

function describeNodes(nodes: number[]): string {
  return nodes.map((n) => `n${n}`).join(',')
}
