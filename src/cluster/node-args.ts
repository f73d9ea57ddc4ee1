/**
 * The command line of one node: `raftctl run` with its interface, the members' addresses, its
 * id, dataplane, API address and state dir, NDJSON logs and the cluster's timeouts. XDP is
 * attached in generic mode: native XDP_TX on a veth drops the bounced reply unless the peer end
 * has an XDP program too (NOTES.md), and generic bounces without one.
 */
import {join} from 'node:path'
import {packageRoot} from '../package-root.js'
import type {ClusterOptions, DataplaneKind} from './cluster.js'
import {CLUSTER_API_PORT, CLUSTER_RAFT_PORT, type ClusterNames} from './names.js'

/** What the command line depends on. */
export interface NodeArgvSource {
  options: ClusterOptions
  names: ClusterNames
  nodes: number[]
  dataplanes: DataplaneKind[]
  heartbeatMs: number
  electionTimeoutMs: {min: number; max: number}
}

/** The dataplane of node `n` for a cluster-wide choice. */
export function dataplaneOf(choice: ClusterOptions['dataplane'], n: number): DataplaneKind {
  if (Array.isArray(choice)) return choice[n - 1] ?? 'xdp'
  if (choice === 'mixed') return n % 2 === 1 ? 'xdp' : 'userspace'
  return choice ?? 'xdp'
}

/** The argv that runs node `n` (before nsenter). */
export function nodeArgv(c: NodeArgvSource, n: number): string[] {
  const command = c.options.command ?? [process.execPath, join(packageRoot(), 'bin', 'run.js'), 'run']
  const dataplane = c.dataplanes[n - 1]!
  const {min, max} = c.electionTimeoutMs
  return [...command, '--iface', c.names.nodeIface(n), '--peers', c.nodes.map((m) => c.names.addr(m)).join(','),
    '--id', String(n), '--dataplane', dataplane, ...(dataplane === 'xdp' ? ['--mode', 'generic'] : []),
    '--port', String(CLUSTER_RAFT_PORT), '--cluster-id', String(c.options.clusterId ?? 0),
    '--api', `127.0.0.1:${CLUSTER_API_PORT}`, '--state-dir', c.names.stateDir(n), '--log-format', 'json',
    '--heartbeat-ms', String(c.heartbeatMs), '--election-timeout-ms', `${min}-${max}`, ...(c.options.extraArgs?.(n) ?? [])]
}
