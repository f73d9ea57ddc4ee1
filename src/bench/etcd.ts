/**
 * etcd as the reference beside raftctl in the benchmark: a 3- or 5-member etcd cluster in the same
 * namespace topology as the raftctl harness (cluster/topology.ts), at the same heartbeat and election
 * timeout, whose failover time (kill -9 of the leader until every live member follows a new one)
 * and stability (leader changes with no fault) are measured by polling every member's status from
 * a host namespace on the same bridge (etcd-poller.ts).
 */
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {setTimeout as sleep} from 'node:timers/promises'
import {killOnExit, removeCluster} from '../cluster/cleanup.js'
import {ownManifest, writeManifest} from '../cluster/manifest.js'
import {clusterNames, uniqueClusterName, type ClusterNames} from '../cluster/names.js'
import {attachEndpoint, createSwitch} from '../cluster/topology.js'
import {StatusBoard, type AgreedLeader} from './etcd-board.js'
import {ETCD_CLIENT_PORT, ETCD_PEER_PORT, EtcdMember, etcdMemberName} from './etcd-member.js'
import {validateEtcdOptions, type EtcdClusterOptions} from './etcd-options.js'
import {PollerProcess} from './etcd-poller-process.js'

/** Re-exported so a benchmark needs only this module: whether etcd is installed, and how to build a cluster. */
export {etcdAvailable, type EtcdClusterOptions} from './etcd-options.js'

/** Waiting for a restarted member: etcd's start-up (WAL replay, peer handshakes) is not what failover measures. */
const REJOIN_TIMEOUT_MS = 15_000

const live = new Set<EtcdCluster>()
killOnExit(() => [...live].flatMap((cluster) => cluster.processIds()))

/** A running etcd cluster in namespaces. Members are numbered 1..N. */
export class EtcdCluster {
  readonly names: ClusterNames
  readonly members: number[]
  readonly dataDir: string
  /** Every member's leadership as polled. */
  readonly board = new StatusBoard()
  private readonly processes = new Map<number, EtcdMember>()
  private poller?: PollerProcess
  private destroyed?: Promise<void>

  private constructor(readonly options: EtcdClusterOptions) {
    this.names = clusterNames(options.name ?? uniqueClusterName('e'))
    this.members = Array.from({length: options.members}, (_, i) => i + 1)
    this.dataDir = this.names.scratchDir
  }

  /** Validates the timeouts and builds the network and data dirs (removing them again if a step fails); nothing started. */
  static async create(options: EtcdClusterOptions): Promise<EtcdCluster> {
    validateEtcdOptions(options)
    const cluster = new EtcdCluster(options)
    live.add(cluster)
    try {
      cluster.build()
    } catch (error) {
      await cluster.destroy()
      throw error
    }
    return cluster
  }

  /** Starts every member and the poller. */
  start(): void {
    for (const m of this.members) this.member(m).start()
    const urls = this.members.map((m) => `http://${this.names.addr(m)}:${ETCD_CLIENT_PORT}`)
    this.poller = new PollerProcess(this.names.hostNs(1), urls, this.options.pollIntervalMs ?? 2, (line) => this.board.observe(line))
  }

  /** Members whose etcd runs (not killed by the harness). */
  running(): number[] {
    return this.members.filter((m) => this.member(m).pid !== undefined)
  }

  /** Waits until every running member follows one leader; returns that leader's member number. */
  async waitForLeader(timeoutMs: number): Promise<number> {
    return (await this.waitForAgreement('one leader followed by every running member', timeoutMs)).leader
  }

  /** kill -9 of the leader every running member follows now; returns its member number. */
  async killLeader(): Promise<number> {
    const agreed = this.board.agreed(this.running())
    if (!agreed) throw new Error(`no agreed leader to kill (${this.describe()})`)
    await this.kill(agreed.leader)
    return agreed.leader
  }

  /** Starts killed member `m` again on its data dir: it rejoins from its WAL. */
  restart(m: number): void {
    this.member(m).start()
  }

  /**
   * Kills the leader (kill -9) and returns the failover time in ms: from just before the kill until
   * the last running member was polled following one new leader. Then restarts the killed member on
   * its data dir and waits until all members follow one leader again, so calls can follow each other.
   */
  async failover(timeoutMs: number): Promise<number> {
    const before = await this.waitForAgreement('one leader before the kill', timeoutMs)
    const t0 = process.hrtime.bigint()
    await this.kill(before.leader)
    const after = await this.waitForAgreement(`a new leader after killing m${before.leader}`, timeoutMs, (a) => a.leader !== before.leader)
    this.restart(before.leader)
    await this.waitForAgreement(`m${before.leader} to rejoin`, Math.max(timeoutMs, REJOIN_TIMEOUT_MS))
    return Number(after.learnedAtNs - t0) / 1e6
  }

  /**
   * Counts leader changes over `windowMs` with no fault: the distinct terms above the highest at the
   * start that any member was polled in. etcd reports the term of its last applied entry, and every
   * new leader appends one at once, so each won election counts once, re-electing the same leader
   * too; an election nobody won is invisible in etcd's status and does not count.
   */
  async leaderChanges(windowMs: number): Promise<number> {
    if (!this.board.agreed(this.running())) throw new Error(`leaderChanges needs an agreed leader at the start; call waitForLeader first (${this.describe()})`)
    const startTerm = this.board.highestTerm()
    const from = this.board.changes.length
    await sleep(windowMs)
    this.assertHealthy('counting leader changes')
    return new Set(this.board.changes.slice(from).map((c) => BigInt(c.term)).filter((t) => t > startTerm)).size
  }

  /** Every process the harness started that still runs: members and poller. */
  processIds(): number[] {
    return [...this.members.map((m) => this.member(m).pid), this.poller?.pid].filter((p): p is number => p !== undefined)
  }

  /** Kills every member and the poller, removes the namespaces, run dir and data dirs. Idempotent. */
  destroy(): Promise<void> {
    this.destroyed ??= (async () => {
      const pids = this.processIds()
      this.poller?.stop()
      await Promise.all([...this.processes.values()].map((p) => p.kill()))
      await removeCluster(this.names, pids) // the data dir with it: it is the cluster's scratch dir
      live.delete(this)
    })()
    return this.destroyed
  }

  private build(): void {
    const names = this.names
    writeManifest(names.runDir, ownManifest(names.name, [])) // no raftctl nodes: its owner is what counts
    mkdirSync(this.dataDir, {recursive: true})
    createSwitch(names)
    const initialCluster = this.members.map((m) => `${etcdMemberName(m)}=http://${names.addr(m)}:${ETCD_PEER_PORT}`).join(',')
    for (const m of this.members) {
      attachEndpoint(names, {netns: names.nodeNs(m), iface: names.nodeIface(m), switchIface: names.switchIface(m), addr: names.addr(m)})
      this.processes.set(m, new EtcdMember({member: m, netns: names.nodeNs(m), addr: names.addr(m),
        dataDir: join(this.dataDir, etcdMemberName(m)), logFile: join(names.runDir, `${etcdMemberName(m)}.log`),
        initialCluster, clusterToken: names.name, heartbeatMs: this.options.heartbeatMs, electionMs: this.options.electionMs,
        preVote: this.options.preVote ?? true}))
    }
    attachEndpoint(names, {netns: names.hostNs(1), iface: names.hostIface(1), switchIface: names.hostSwitchIface(1), addr: names.hostAddr(1)})
  }

  private async kill(m: number): Promise<void> {
    await this.member(m).kill()
    this.board.forget(m, process.hrtime.bigint())
  }

  /** Waits until the running members agree on a leader (that also passes `accept`); polls the board every 5 ms. */
  private async waitForAgreement(what: string, timeoutMs: number, accept: (a: AgreedLeader) => boolean = () => true): Promise<AgreedLeader> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      this.assertHealthy(what)
      const agreed = this.board.agreed(this.running())
      if (agreed && accept(agreed)) return agreed
      if (performance.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.describe()})\n${this.logTails()}`)
      }
      await sleep(5)
    }
  }

  private assertHealthy(what: string): void {
    const pollerError = this.poller?.error
    if (pollerError) throw new Error(`${pollerError.message} while waiting for ${what}`, {cause: pollerError})
    const dead = this.members.find((m) => this.member(m).failed)
    if (dead) throw new Error(`etcd member m${dead} exited by itself while waiting for ${what}\n${this.member(dead).logTail()}`)
  }

  /** The running members' views and which members are down, for error messages. */
  private describe(): string {
    const down = this.members.filter((m) => !this.running().includes(m))
    return this.board.describe(this.running()) + (down.length ? `; not running: ${down.map((m) => `m${m}`).join(',')}` : '')
  }

  private logTails(): string {
    return this.members.map((m) => this.member(m).logTail(5)).join('\n')
  }

  private member(m: number): EtcdMember {
    const p = this.processes.get(m)
    if (!p) throw new Error(`no member m${m} in an etcd cluster of ${this.members.length}`)
    return p
  }
}
