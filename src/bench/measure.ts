/**
 * The measurements of one run, each on clusters it builds and removes itself: raftctl's
 * namespace clusters (src/cluster), etcd's (etcd.ts), all on this machine.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import {Cluster, type DataplaneKind} from '../cluster/cluster.js'
import {EtcdCluster} from './etcd.js'
import {failoverOnce, TrialDiscarded, type FailoverTrial} from './failover.js'
import {startFloorLearner} from './floor.js'
import {sampleHeartbeats, sampleRoundTrips} from './heartbeat.js'
import {saturateCpu} from './load.js'
import {PROFILES, SETTLE_AFTER_RESTART_MS, type BenchPlan, type CrashMethod, type TimeoutProfile} from './plan.js'
import type {Distribution, FailoverResult, HeartbeatResult, LoadName, StabilityResult} from './results.js'
import {watchStability} from './stability.js'
import {summarize} from './stats.js'
import {using} from './teardown.js'

/** Reports how far a measurement is, 0..1. */
export type Advance = (fraction: number) => void

const LOADS: LoadName[] = ['idle', 'saturated']
/** Round trips are sampled without elections getting in the way: long timeouts, short heartbeats. */
const SAMPLING_ELECTION_MS = {min: 150, max: 300}
/** Trials per configuration that may be retried because they could not be measured (failover.ts). */
const MAX_DISCARDED = 5
/** A safety net for stress-ng should the bench die without stopping it. */
const MAX_LOAD_MS = 30 * 60_000

/** Samples (ms, kept to 0.1 µs: the clocks' useful precision, and a smaller JSON) and their summary. */
export function distribution(samples: number[]): Distribution {
  const rounded = samples.map((s) => Math.round(s * 1e4) / 1e4)
  return {summary: summarize(rounded), samples: rounded}
}

/** Runs `body` on a started cluster and always removes the cluster (also on Ctrl-C: teardown.ts). */
function withCluster<T>(options: Parameters<typeof Cluster.create>[0], body: (c: Cluster) => Promise<T>): Promise<T> {
  return using(() => Cluster.create(options), async (cluster) => {
    cluster.start()
    await cluster.waitForStart()
    return body(cluster)
  })
}

/** Figures 1 and 7: round trips and a follower's CPU, idle and with the followers' namespaces saturated. */
export async function measureHeartbeats(plan: BenchPlan, system: DataplaneKind, advance: Advance): Promise<HeartbeatResult[]> {
  return withCluster({nodes: 3, dataplane: system, heartbeatMs: plan.sampleHeartbeatMs, electionTimeoutMs: SAMPLING_ELECTION_MS}, async (cluster) => {
    const results: HeartbeatResult[] = []
    for (const [i, load] of LOADS.entries()) {
      const {leader} = await cluster.waitForLeader(10_000)
      const stress = load === 'saturated'
        ? saturateCpu(cluster.nodes.filter((n) => n !== leader).map((n) => cluster.names.nodeNs(n)), MAX_LOAD_MS) : undefined
      try {
        const s = await sampleHeartbeats(cluster, plan.heartbeatSamples, 60_000 + plan.heartbeatSamples * 20,
          (done) => advance((i + done / plan.heartbeatSamples) / LOADS.length))
        results.push({system, load, rtt: distribution(s.rttMs), followerCpuMs: s.follower.cpuMs, heartbeats: s.follower.heartbeats,
          cpuMsPer1000Heartbeats: s.follower.heartbeats ? (s.follower.cpuMs * 1000) / s.follower.heartbeats : NaN})
      } finally {
        await stress?.stop()
      }
    }
    return results
  })
}

/**
 * Figure 8: a one-node xdp leader's round trips to the minimal XDP echo (floor.ts) on the same
 * kind of link; two echo hosts, as the heartbeat cluster has two followers, so every round sends
 * as many heartbeats one after the other (the first of a round finds colder caches than the next).
 */
export async function measureFloor(plan: BenchPlan, advance: Advance): Promise<Distribution> {
  return withCluster({nodes: 1, hosts: 2, dataplane: 'xdp', heartbeatMs: plan.sampleHeartbeatMs, electionTimeoutMs: SAMPLING_ELECTION_MS},
    async (cluster) => {
      await cluster.waitForLeader(10_000)
      const learnerIds = [(await startFloorLearner(cluster, 1)).learnerId, (await startFloorLearner(cluster, 2)).learnerId]
      const rtts = await sampleRoundTrips(cluster, 1, learnerIds, plan.heartbeatSamples, 60_000 + plan.heartbeatSamples * 20,
        (done) => advance(done / plan.heartbeatSamples))
      return distribution(rtts)
    })
}

/** Figures 2-5 for one raftctl dataplane and size: `trials` crashes by each method, aggressive timeouts. */
export async function measureFailovers(plan: BenchPlan, system: DataplaneKind, nodes: number, advance: Advance): Promise<FailoverResult[]> {
  const profile = PROFILES.aggressive
  return withCluster({nodes, dataplane: system, heartbeatMs: profile.heartbeatMs, electionTimeoutMs: profile.electionTimeoutMs}, async (cluster) => {
    const methods: CrashMethod[] = ['crash-simulate', 'kill-9']
    const results: FailoverResult[] = []
    for (const [m, method] of methods.entries()) {
      const trials: FailoverTrial[] = []
      let discarded = 0
      while (trials.length < plan.failoverTrials) {
        try {
          trials.push(await failoverOnce(cluster, method))
        } catch (error) {
          // a few unmeasurable trials are the machine's noise; many mean something is wrong
          if (!(error instanceof TrialDiscarded) || ++discarded > MAX_DISCARDED) {
            throw new Error(`${(error as Error).message}${discarded > MAX_DISCARDED ? ` (${discarded} trials discarded)` : ''}; ` +
              'run the bench on a machine with nothing else busy', {cause: error})
          }
        }
        advance((m + trials.length / plan.failoverTrials) / methods.length)
      }
      results.push({system, method, nodes, failover: distribution(trials.map((t) => t.failoverMs)),
        election: distribution(trials.map((t) => t.electionMs)), allAcked: distribution(trials.map((t) => t.allAckedMs)),
        voteRtt: distribution(trials.flatMap((t) => t.voteRttMs))})
    }
    return results
  })
}

/** etcd's side of figure 4: kill -9 of the leader, at the same aggressive timeouts. */
export async function measureEtcdFailovers(plan: BenchPlan, members: number, advance: Advance): Promise<FailoverResult> {
  return using(() => EtcdCluster.create(etcdOptions(PROFILES.aggressive, members)), async (etcd) => {
    etcd.start()
    await etcd.waitForLeader(30_000)
    const samples: number[] = []
    for (let t = 0; t < plan.etcdFailoverTrials; t++) {
      samples.push(await etcd.failover(30_000))
      await sleep(SETTLE_AFTER_RESTART_MS) // as raftctl's trials do (failover.ts)
      advance((t + 1) / plan.etcdFailoverTrials)
    }
    return {system: 'etcd', method: 'kill-9', nodes: members, failover: distribution(samples)}
  })
}

/**
 * Figure 6 for one profile and size: xdp, userspace and (when installed) etcd clusters side by side
 * in the same window, idle, then with every node's namespace saturated.
 */
export function measureStability(plan: BenchPlan, profile: TimeoutProfile, nodes: number, withEtcd: boolean,
  advance: Advance): Promise<StabilityResult[]> {
  const options = {nodes, heartbeatMs: profile.heartbeatMs, electionTimeoutMs: profile.electionTimeoutMs}
  return withCluster({...options, dataplane: 'xdp'}, (xdp) => withCluster({...options, dataplane: 'userspace'}, async (userspace) => {
    if (!withEtcd) return stabilityWindows(plan, profile, [xdp, userspace], undefined, advance)
    return using(() => EtcdCluster.create(etcdOptions(profile, nodes)), async (etcd) => {
      etcd.start()
      await etcd.waitForLeader(30_000)
      return stabilityWindows(plan, profile, [xdp, userspace], etcd, advance)
    })
  }))
}

/** The idle and the saturated window, every system watched at once. */
async function stabilityWindows(plan: BenchPlan, profile: TimeoutProfile, clusters: Cluster[], etcd: EtcdCluster | undefined,
  advance: Advance): Promise<StabilityResult[]> {
  const results: StabilityResult[] = []
  const namespaces = [...clusters.flatMap((c) => c.nodes.map((n) => c.names.nodeNs(n))), ...(etcd?.members.map((m) => etcd.names.nodeNs(m)) ?? [])]
  for (const [i, load] of LOADS.entries()) {
    const stress = load === 'saturated' ? saturateCpu(namespaces, MAX_LOAD_MS) : undefined
    try {
      const etcdWatch = etcd?.leaderChanges(plan.stabilityWindowMs)
      const [xdp, userspace] = await Promise.all(clusters.map((c) => watchStability(c, plan.stabilityWindowMs)))
      const etcdChanges = await etcdWatch
      const base = {profile: profile.name, load, nodes: clusters[0]!.nodes.length, windowMs: plan.stabilityWindowMs}
      results.push({...base, system: 'xdp', leaderChanges: xdp!.leaderChanges},
        {...base, system: 'userspace', leaderChanges: userspace!.leaderChanges})
      if (etcdChanges !== undefined) results.push({...base, system: 'etcd', leaderChanges: etcdChanges})
    } finally {
      await stress?.stop()
    }
    advance((i + 1) / LOADS.length)
  }
  return results
}

/** etcd at a profile's timeouts: its election timeout E is randomised in [E, 2E), our min-max. */
function etcdOptions(profile: TimeoutProfile, members: number) {
  return {members, heartbeatMs: profile.heartbeatMs, electionMs: profile.electionTimeoutMs.min}
}
