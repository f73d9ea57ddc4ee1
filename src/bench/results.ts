/** What `raftctl bench` produces: every figure with its raw samples (ms), as written to the JSON file. */
import type {Summary} from './stats.js'
import type {CrashMethod, TimeoutProfile} from './plan.js'

/** A measured distribution: the raw samples in ms and their summary. */
export interface Distribution {
  summary: Summary
  samples: number[]
}

/** The dataplanes compared, and etcd. */
export type SystemName = 'xdp' | 'userspace' | 'etcd'

/** With or without stress-ng saturating every core. */
export type LoadName = 'idle' | 'saturated'

/** Figures 1 and 7 for one dataplane under one load. */
export interface HeartbeatResult {
  system: 'xdp' | 'userspace'
  load: LoadName
  rtt: Distribution
  /** CPU time of one follower's process while it answered `heartbeats` heartbeats. */
  followerCpuMs: number
  heartbeats: number
  cpuMsPer1000Heartbeats: number
}

/** Figures 2-5 for one system, crash method and cluster size. */
export interface FailoverResult {
  system: SystemName
  method: CrashMethod
  nodes: number
  failover: Distribution
  /** raftctl only: candidacy -> leader, candidacy -> every live follower acked, candidacy -> each counted vote. */
  election?: Distribution
  allAcked?: Distribution
  voteRtt?: Distribution
}

/** Figure 6 for one system, profile, load and size. */
export interface StabilityResult {
  system: SystemName
  profile: TimeoutProfile['name']
  load: LoadName
  nodes: number
  windowMs: number
  leaderChanges: number
}

/** One run. */
export interface BenchReport {
  meta: {
    date: string
    command: string
    quick: boolean
    durationMs: number
    machine: {cpus: number; cpuModel: string; memoryGiB: number; kernel: string; node: string; etcd?: string}
    profiles: TimeoutProfile[]
  }
  heartbeat: HeartbeatResult[]
  /** Figure 8: the minimal XDP echo's round trip on the same links. */
  floor: Distribution
  failover: FailoverResult[]
  stability: StabilityResult[]
}
