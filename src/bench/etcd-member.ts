/**
 * One etcd member: its command line and its process inside the member's namespace, restartable
 * on the same data dir (it then rejoins from its WAL). Output goes to a log file, not the harness:
 * etcd logs a line per election, which only matters when something went wrong.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs'
import {nsenterTiedArgs} from '../cluster/shell.js'

/** The etcd of Debian's etcd-server package, the only one the benchmark is checked against. */
export const ETCD_BINARY = '/usr/bin/etcd'

/** etcd's client port (the poller asks for status there). */
export const ETCD_CLIENT_PORT = 2379
/** etcd's peer (raft) port. */
export const ETCD_PEER_PORT = 2380

/** How to run one member. */
export interface EtcdMemberSpec {
  member: number
  netns: string
  addr: string
  dataDir: string
  logFile: string
  /** `name=peer URL` of every member: etcd's --initial-cluster. */
  initialCluster: string
  /** Shared by the members of one cluster, so two clusters never join each other by accident. */
  clusterToken: string
  heartbeatMs: number
  electionMs: number
  preVote: boolean
}

/** etcd's member name for member `n`. */
export function etcdMemberName(n: number): string {
  return `m${n}`
}

/** The etcd command line of a member; the same on restart (etcd ignores --initial-* once its data dir exists). */
export function etcdArgv(spec: EtcdMemberSpec): string[] {
  const peerUrl = `http://${spec.addr}:${ETCD_PEER_PORT}`
  const clientUrl = `http://${spec.addr}:${ETCD_CLIENT_PORT}`
  return [ETCD_BINARY, '--name', etcdMemberName(spec.member), '--data-dir', spec.dataDir,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
    '--initial-cluster', spec.initialCluster, '--initial-cluster-token', spec.clusterToken, '--initial-cluster-state', 'new',
    '--heartbeat-interval', String(spec.heartbeatMs), '--election-timeout', String(spec.electionMs),
    `--pre-vote=${spec.preVote}`, '--logger', 'zap', '--log-outputs', 'stderr']
}

/** A member's etcd process. */
export class EtcdMember {
  private child?: ChildProcess
  private exited?: Promise<void>
  private expectingExit = false
  /** Set when etcd exited without being killed by the harness: a start-up error or a crash. */
  failed = false

  constructor(readonly spec: EtcdMemberSpec) {}

  /** The running etcd's process id (nsenter and setpriv exec, so it is etcd's own), undefined when not running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined
  }

  /**
   * Starts etcd in its own process group, so a Ctrl-C at the terminal reaches only the harness,
   * which then kills the members itself. setpriv's parent-death signal covers the harness dying
   * without that chance (SIGKILL, an unhandled signal): the kernel then kills etcd too.
   */
  start(): void {
    if (this.pid !== undefined) throw new Error(`etcd member m${this.spec.member} is already running (pid ${this.pid})`)
    const log = openSync(this.spec.logFile, 'a')
    try {
      const child = spawn('nsenter', nsenterTiedArgs(this.spec.netns, etcdArgv(this.spec)), {stdio: ['ignore', log, log], detached: true})
      this.child = child
      this.expectingExit = false
      this.failed = false
      this.exited = new Promise((resolve) => child.once('close', () => {
        this.failed = !this.expectingExit
        resolve()
      }))
      child.once('error', () => undefined) // a spawn failure also closes the child: failed says so
    } finally {
      closeSync(log)
    }
  }

  /** SIGKILL (no shutdown of any kind, like a crash) and wait until etcd is gone. */
  async kill(): Promise<void> {
    this.expectingExit = true
    if (this.pid !== undefined) this.child!.kill('SIGKILL')
    await this.exited
  }

  /** The last `count` lines of the member's log, for error messages. */
  logTail(count = 15): string {
    if (!existsSync(this.spec.logFile)) return `  (no log at ${this.spec.logFile})`
    return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-count).map((l) => `  m${this.spec.member} ${l}`).join('\n')
  }
}
