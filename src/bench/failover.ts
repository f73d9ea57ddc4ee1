/**
 * Figures 2-5: crash the leader (crash-simulate or kill -9) and time what follows, from the nodes'
 * own event lines, all on the machine's one monotonic clock (process.hrtime, bpf_ktime_get_ns):
 *   failover        crash -> the new leader known to every live node
 *   vote round trip the new leader's candidacy -> each vote it counted
 *   election        its candidacy -> leader (quorum counted) -> every live follower's first ack
 */
import {setTimeout as sleep} from 'node:timers/promises'
import type {Cluster} from '../cluster/cluster.js'
import type {LogEntry, NodeLine} from '../cluster/events.js'
import {numberField} from '../cluster/events.js'
import {monotonicMs} from '../dataplane/userspace.js'
import {SETTLE_AFTER_RESTART_MS, type CrashMethod} from './plan.js'
import {clearRtt, drainRtt} from './samples.js'

/** One crash and what followed, in ms. */
export interface FailoverTrial {
  failoverMs: number
  electionMs: number
  allAckedMs: number
  voteRttMs: number[]
}

/**
 * A trial whose outcome cannot be measured although nothing is unsafe: on a loaded machine a new
 * leader may lose its leadership again before every follower acked it. The caller tries again.
 */
export class TrialDiscarded extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TrialDiscarded'
  }
}

/** Crashes the current leader once, measures, and returns when every node agrees on a leader again. */
export async function failoverOnce(cluster: Cluster, method: CrashMethod): Promise<FailoverTrial> {
  const waitMs = 50 * cluster.electionTimeoutMs.max + 5_000
  const {leader: old, term: oldTerm} = await cluster.waitForLeader(waitMs)
  await clearRtt(cluster)
  const from = cluster.log.length
  const live = cluster.nodes.filter((n) => n !== old)
  const crashStartMs = await crash(cluster, old, method, from)
  const {leader, term} = await cluster.waitForLeader(waitMs, () => live)
  if (term <= oldTerm) throw new Error(`n${old} was crashed but the others still follow it in term ${term}`)
  // an xdp node's kernel knows the leader a little before its process logs it
  let knownAt: number[] = []
  await cluster.waitFor(`every live node's line naming n${leader} leader of term ${term}`, () => {
    const entries = cluster.log.slice(from)
    knownAt = live.map((n) => firstKnown(entries, n, leader, term) ?? NaN)
    return !knownAt.some(Number.isNaN)
  }, 5_000)
  const entries = cluster.log.slice(from)
  const candidacy = lineOf(entries, leader, term, ['became-candidate'])
  const elected = lineOf(entries, leader, term, ['quorum-reached', 'became-leader'])
  let acks: number[]
  try {
    acks = await firstAcks(cluster, leader, live.filter((n) => n !== leader), elected.atMs)
  } finally {
    await recover(cluster, old, method, waitMs) // also after a discarded trial: the next one needs every node
  }
  return {
    failoverMs: Math.max(...knownAt) - crashStartMs,
    electionMs: elected.atMs - candidacy.atMs,
    allAckedMs: Math.max(...acks) - candidacy.atMs,
    voteRttMs: voteTimes(entries, leader, term, elected.atMs, Math.floor(cluster.nodes.length / 2)).map((at) => at - candidacy.atMs),
  }
}

/** Crashes node `n`; returns when it stopped answering, on the shared clock. */
async function crash(cluster: Cluster, n: number, method: CrashMethod, from: number): Promise<number> {
  if (method === 'kill-9') {
    const at = monotonicMs()
    await cluster.kill(n)
    return at
  }
  // long enough for an election without it, short enough to keep trials quick
  const forMs = Math.max(300, 5 * cluster.electionTimeoutMs.max)
  const reply = await cluster.api(n, 'POST', '/crash', {for_ms: forMs})
  if (reply.status !== 202) throw new Error(`POST /crash on n${n} answered ${reply.status}: ${JSON.stringify(reply.body)}`)
  let started: NodeLine | undefined
  await cluster.waitFor(`n${n}'s crash-started line`, () =>
    (started = cluster.log.slice(from).find((e) => e.node === n && e.line?.kind === 'crash-started')?.line) !== undefined, 5_000)
  return started!.atMs
}

/**
 * Brings the crashed node back (restart after kill -9) and waits until all agree on a leader and
 * a restarted process is up, then lets the machine settle: a node starting up takes the CPU for
 * a moment, and the next trial must not measure its neighbours starved by it.
 */
async function recover(cluster: Cluster, n: number, method: CrashMethod, waitMs: number): Promise<void> {
  if (method === 'kill-9') {
    const since = performance.now() // the clock of the harness's log entries
    cluster.restart(n)
    await cluster.waitForStart([n], since) // its API too: the next trial may crash it through the API
  } else {
    await cluster.waitFor(`the end of n${n}'s crash`, () => cluster.view(n)?.crashed === false, waitMs)
  }
  await cluster.waitForLeader(waitMs, () => cluster.nodes)
  await sleep(method === 'kill-9' ? SETTLE_AFTER_RESTART_MS : 4 * cluster.electionTimeoutMs.max)
}

/** When node `n` first knew `leader` as the leader of `term` (its own lines' time); undefined until it logs it. */
function firstKnown(entries: LogEntry[], n: number, leader: number, term: bigint): number | undefined {
  const kinds = n === leader ? ['quorum-reached', 'became-leader'] : ['leader-changed', 'heartbeat-accepted']
  return earliest(entries, n, term, kinds, (line) => n === leader || numberField(line, 'peerId') === leader)?.atMs
}

/** The earliest of node `n`'s lines of `kinds` in `term` (kernel and state machine lines arrive out of order). */
function lineOf(entries: LogEntry[], n: number, term: bigint, kinds: string[]): NodeLine {
  const line = earliest(entries, n, term, kinds, () => true)
  if (!line) throw new Error(`n${n} logged no ${kinds.join(' or ')} line in term ${term}`)
  return line
}

function earliest(entries: LogEntry[], n: number, term: bigint, kinds: string[], accept: (line: NodeLine) => boolean): NodeLine | undefined {
  let found: NodeLine | undefined
  for (const e of entries) {
    const line = e.line
    if (e.node !== n || line?.term !== term || !kinds.includes(line.kind) || !accept(line)) continue
    if (!found || line.atMs < found.atMs) found = line
  }
  return found
}

/** Lines that count a granted vote: the kernel's (the deciding vote is in the quorum line) and the state machine's. */
const VOTE_KINDS = ['vote-counted', 'quorum-reached', 'vote-received']

/**
 * When the leader counted each granted vote of its term: the kernel's line or the state machine's,
 * whichever came first. The state machine names no voter for the deciding vote (it logs
 * became-leader instead), so when fewer than `needed` votes are named, the election's time is that vote's.
 */
function voteTimes(entries: LogEntry[], leader: number, term: bigint, electedAtMs: number, needed: number): number[] {
  const first = new Map<number, number>()
  for (const e of entries) {
    if (e.node !== leader || e.line?.term !== term || !VOTE_KINDS.includes(e.line.kind)) continue
    const peer = numberField(e.line, 'peerId')
    if (peer !== undefined) first.set(peer, Math.min(first.get(peer) ?? Infinity, e.line.atMs))
  }
  const times = [...first.values()]
  return times.length < needed ? [...times, electedAtMs] : times
}

/** The leader's first ack from each follower at or after `sinceMs`, waiting briefly for them. */
async function firstAcks(cluster: Cluster, leader: number, followers: number[], sinceMs: number): Promise<number[]> {
  const first = new Map<number, number>()
  const deadline = performance.now() + 5_000
  while (first.size < followers.length && performance.now() < deadline) {
    for (const s of await drainRtt(cluster, leader)) {
      if (followers.includes(s.peerId) && s.atMs >= sinceMs && !first.has(s.peerId)) first.set(s.peerId, s.atMs)
    }
    if (first.size < followers.length) await sleep(20)
  }
  const missing = followers.filter((f) => !first.has(f))
  if (missing.length) throw new TrialDiscarded(`n${leader} heard no ack from ${missing.map((f) => `n${f}`).join(',')} within 5 s of its election`)
  return [...first.values()]
}
