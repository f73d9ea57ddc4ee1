/**
 * The node's Prometheus metrics. Counters and the round-trip histogram are fed by the node's
 * events as they happen (DESIGN: metrics come from events, not from polling); only the gauges
 * that describe the present (term, role, crashed) are read from state() at scrape time.
 * Each API server has its own Registry, so two nodes in one process (tests, `cluster up`)
 * never share series.
 */
import {Counter, Gauge, Histogram, Registry} from 'prom-client'
import type {NodeControl, NodeEvent} from '../node/control.js'
import type {Role} from '../raft/index.js'

const ROLES: readonly Role[] = ['follower', 'candidate', 'leader']

/**
 * Round trips on one host's veth are tens of µs; across machines, ms; beyond a second a follower
 * is as good as lost. 1-2.5-5 steps over that range keep each decade readable.
 */
export const RTT_BUCKETS_SECONDS = [10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3,
  10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1]

/** Where a vote was decided: by the XDP program, or by the userspace state machine. */
type VoteSource = 'kernel' | 'userspace'

/** The metrics of one node, subscribed to its events until dispose(). */
export class NodeMetrics {
  /** Serves GET /metrics. */
  readonly registry = new Registry()
  private readonly leaderChanges: Counter
  private readonly electionsStarted: Counter
  private readonly electionsWon: Counter
  private readonly votesGranted: Counter<'source'>
  private readonly votesDenied: Counter<'source'>
  private readonly heartbeatRtt: Histogram
  private readonly unsubscribe: () => void

  constructor(control: NodeControl) {
    const registers = [this.registry]
    new Gauge({name: 'raftctl_term', help: 'Current Raft term of this node.', registers,
      collect() { this.set(Number(control.state().term)) }})
    new Gauge({name: 'raftctl_role', help: 'Role of this node: 1 for the current role, 0 for the others.',
      labelNames: ['role'], registers,
      collect() {
        const role = control.state().role
        for (const r of ROLES) this.set({role: r}, r === role ? 1 : 0)
      }})
    new Gauge({name: 'raftctl_crashed', help: '1 while a crash is simulated (no raft traffic in or out), else 0.',
      registers, collect() { this.set(control.state().crashed ? 1 : 0) }})
    this.leaderChanges = new Counter({name: 'raftctl_leader_changes_total', registers,
      help: 'Times the leader this node knows changed to another node or to itself.'})
    this.electionsStarted = new Counter({name: 'raftctl_elections_started_total', registers,
      help: 'Elections this node started as a candidate.'})
    this.electionsWon = new Counter({name: 'raftctl_elections_won_total', registers,
      help: 'Elections this node won (it became leader).'})
    this.votesGranted = new Counter({name: 'raftctl_votes_granted_total', labelNames: ['source'], registers,
      help: 'Votes this node granted to candidates, by where the vote was decided (kernel: XDP, userspace: Node).'})
    this.votesDenied = new Counter({name: 'raftctl_votes_denied_total', labelNames: ['source'], registers,
      help: 'Votes this node denied to candidates, by where the vote was decided (kernel: XDP, userspace: Node).'})
    this.heartbeatRtt = new Histogram({name: 'raftctl_heartbeat_rtt_seconds', buckets: RTT_BUCKETS_SECONDS, registers,
      help: 'Round trip of heartbeats this node sent as leader, from the echoed send time of each successful ack.'})
    // Both label values exist from the start, so a dashboard sees 0 rather than no series.
    for (const source of ['kernel', 'userspace'] as const) {
      this.votesGranted.inc({source}, 0)
      this.votesDenied.inc({source}, 0)
    }
    this.unsubscribe = control.onEvent((event) => this.observe(event))
  }

  /** Stops listening to the node's events. */
  dispose(): void {
    this.unsubscribe()
  }

  private observe(e: NodeEvent): void {
    if (e.source === 'raft') {
      switch (e.event.kind) {
        case 'became-candidate': return this.electionsStarted.inc()
        // becoming leader changes the known leader too; 'leader-changed' covers the other nodes.
        case 'became-leader': this.electionsWon.inc(); return this.leaderChanges.inc()
        case 'leader-changed': return this.leaderChanges.inc()
        case 'vote-granted': return this.vote('userspace', true)
        case 'vote-denied': return this.vote('userspace', false)
        default: return
      }
    }
    if (e.source === 'ack') return this.heartbeatRtt.observe(e.rttNs / 1e9)
    if (e.source !== 'kernel') return
    switch (e.event.type) {
      case 'RAFT_EV_VOTE_GRANTED': return this.vote('kernel', true)
      case 'RAFT_EV_VOTE_DENIED': return this.vote('kernel', false)
      default: return
    }
  }

  private vote(source: VoteSource, granted: boolean): void {
    ;(granted ? this.votesGranted : this.votesDenied).inc({source})
  }
}
