/**
 * What an etcd reference cluster is built from, and the checks etcd itself would make: its timers
 * count whole heartbeat ticks, so only some (heartbeat, election) pairs run as asked.
 */
import {spawnSync} from 'node:child_process'
import {ETCD_BINARY} from './etcd-member.js'

/** How to build an etcd cluster. */
export interface EtcdClusterOptions {
  members: number
  /** etcd's --heartbeat-interval, ms: also its tick, the unit of every raft timer in etcd. */
  heartbeatMs: number
  /** etcd's --election-timeout, ms; etcd draws each timeout from [electionMs, 2 * electionMs) in whole ticks. */
  electionMs: number
  /** Namespace name prefix (default: unique to this process). */
  name?: string
  /** etcd's --pre-vote; default true, as raftctl's nodes (etcd 3.4 itself defaults to false, 3.5 to true). */
  preVote?: boolean
  /** How often the poller asks each member, ms (default 2). */
  pollIntervalMs?: number
}

/** etcd's own bounds (embed/config.go): the election timeout at least 5 heartbeats, at most 50 s. */
const MAX_ELECTION_MS = 50_000

/** The installed etcd's version ("3.4.23"), undefined when /usr/bin/etcd is missing or does not run. */
export function etcdAvailable(): string | undefined {
  const out = spawnSync(ETCD_BINARY, ['--version'], {encoding: 'utf8', timeout: 10_000})
  return out.status === 0 ? /etcd Version: (\S+)/.exec(out.stdout)?.[1] : undefined
}

/** Throws unless etcd would accept these options and run the timeouts as given. */
export function validateEtcdOptions(options: EtcdClusterOptions): void {
  const {members, heartbeatMs, electionMs} = options
  if (!(Number.isInteger(members) && members >= 1 && members <= 99)) throw new Error(`an etcd cluster has 1 to 99 members, not ${members}`)
  if (!(Number.isInteger(heartbeatMs) && heartbeatMs >= 1)) throw new Error(`heartbeatMs must be a whole number of ms >= 1, not ${heartbeatMs}`)
  if (!(Number.isInteger(electionMs) && electionMs >= 5 * heartbeatMs && electionMs <= MAX_ELECTION_MS)) {
    throw new Error(`etcd needs an election timeout of 5 to ${MAX_ELECTION_MS / heartbeatMs} heartbeats: electionMs ${electionMs} with heartbeatMs ${heartbeatMs}; use electionMs >= ${5 * heartbeatMs} or heartbeatMs <= ${Math.floor(electionMs / 5)}`)
  }
  // etcd counts the timeout in ticks (electionMs / heartbeatMs, rounded down): anything else runs a shorter timeout than asked
  if (electionMs % heartbeatMs !== 0) throw new Error(`electionMs ${electionMs} is not a multiple of heartbeatMs ${heartbeatMs}; etcd would round it down to ${Math.floor(electionMs / heartbeatMs) * heartbeatMs} ms`)
}
