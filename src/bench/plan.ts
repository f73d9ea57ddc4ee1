/**
 * What one `raftctl bench` run measures and how much of it: the timeout profiles, cluster sizes,
 * sample counts and windows of the full run (issue: at least 10,000 heartbeats, 100 crashes per
 * configuration, 60 s windows), and of `--quick`, which runs every measurement briefly.
 */

/** A heartbeat interval and election timeout range, in ms; etcd gets the same (see etcd.ts). */
export interface TimeoutProfile {
  name: 'default' | 'aggressive'
  heartbeatMs: number
  electionTimeoutMs: {min: number; max: number}
}

/**
 * Timeouts raftctl and etcd can share exactly: etcd randomises its election timeout in [E, 2E)
 * and needs E >= 5 heartbeats. `default` keeps raftctl's default election timeout (150-300 ms)
 * with a 30 ms heartbeat (raftctl's own default is 50 ms, which etcd refuses with E = 150 ms);
 * `aggressive` is the fastest pair both accept with E = 30 ms.
 */
export const PROFILES: Record<TimeoutProfile['name'], TimeoutProfile> = {
  default: {name: 'default', heartbeatMs: 30, electionTimeoutMs: {min: 150, max: 300}},
  aggressive: {name: 'aggressive', heartbeatMs: 6, electionTimeoutMs: {min: 30, max: 60}},
}

/**
 * How long a restarted node's start-up keeps a core busy on this kind of machine, roughly: after
 * a kill -9 and restart, raftctl and etcd trials alike wait this long, so the next trial does not
 * measure neighbours starved by it.
 */
export const SETTLE_AFTER_RESTART_MS = 500

/** How to crash a leader: crash-simulate through the API, or SIGKILL of its process. */
export type CrashMethod = 'crash-simulate' | 'kill-9'

/** Everything a run does. */
export interface BenchPlan {
  quick: boolean
  /** Heartbeat round trips per dataplane and load (figure 1), and echoes for the floor (figure 8). */
  heartbeatSamples: number
  /** The heartbeat interval while sampling round trips: short, so samples come fast. */
  sampleHeartbeatMs: number
  /** Failovers per dataplane, crash method and size (figures 2-5), at the aggressive profile. */
  failoverTrials: number
  sizes: number[]
  /** Failovers per etcd size (kill -9 only: etcd has no crash-simulate). */
  etcdFailoverTrials: number
  etcdSizes: number[]
  /** Each stability window (figure 6), per profile, load and size. */
  stabilityWindowMs: number
  stabilityProfiles: TimeoutProfile[]
  stabilitySizes: number[]
}

/** The full run. */
export const FULL_PLAN: BenchPlan = {
  quick: false,
  heartbeatSamples: 10_000,
  sampleHeartbeatMs: 2,
  failoverTrials: 100,
  sizes: [3, 5, 7, 9],
  etcdFailoverTrials: 100,
  etcdSizes: [3, 5],
  stabilityWindowMs: 60_000,
  stabilityProfiles: [PROFILES.default, PROFILES.aggressive],
  stabilitySizes: [3, 5],
}

/** Every figure, few samples: under 2 minutes. */
export const QUICK_PLAN: BenchPlan = {
  quick: true,
  heartbeatSamples: 300,
  sampleHeartbeatMs: 2,
  failoverTrials: 3,
  sizes: [3, 5],
  etcdFailoverTrials: 3,
  etcdSizes: [3],
  stabilityWindowMs: 3_000,
  stabilityProfiles: [PROFILES.aggressive],
  stabilitySizes: [3],
}
