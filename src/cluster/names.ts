/**
 * Names and addresses of one local cluster, all derived from one short name, so that everything
 * a cluster creates (namespaces, links, pins, files) can be found again from that name alone,
 * also after the process that created it crashed.
 */
import {join} from 'node:path'
import {PIN_BASE} from '../dataplane/xdp/pins.js'

/** The name `raftctl cluster up` uses: namespaces rc-sw, rc-n1, rc-n2, ... */
export const CLI_CLUSTER_NAME = 'rc'

/** Where clusters keep their manifest, relay sockets and logs. */
export const RUN_BASE = '/run/raftctl-cluster'

/**
 * Where a cluster keeps data that must be fast to sync (the nodes' state files, etcd's WAL in the
 * benchmark): tmpfs, unlike /run on some machines, so raftctl and etcd sync to the same kind of
 * storage. Removed with the cluster, also by `raftctl cluster down`.
 */
export const SCRATCH_BASE = '/dev/shm/raftctl-cluster'

/** What a cluster name may be: it prefixes interface names, which the kernel limits to 15 characters. */
export const CLUSTER_NAME = /^[a-z][a-z0-9]{0,9}$/

/** The raft UDP port every node of a local cluster uses (the protocol default). */
export const CLUSTER_RAFT_PORT = 5405

/** The API port of every node, on the loopback of its own namespace (so one number serves all). */
export const CLUSTER_API_PORT = 7405

/** Every name of one cluster. */
export interface ClusterNames {
  name: string
  /** The namespace holding the bridge: the cluster's switch. */
  switchNs: string
  bridge: string
  /** Node i (1-based): its namespace, its interface in there, the switch-side end, its address. */
  nodeNs(i: number): string
  nodeIface(i: number): string
  switchIface(i: number): string
  addr(i: number): string
  /** Test hosts (not members) share the numbering of nodes from HOST_BASE on. */
  hostNs(i: number): string
  hostIface(i: number): string
  hostSwitchIface(i: number): string
  hostAddr(i: number): string
  /** Directory of the manifest, relay sockets and logs. */
  runDir: string
  /** Tmpfs directory for data that must sync fast (SCRATCH_BASE/<name>). */
  scratchDir: string
  /** Node i's state dir (--state-dir), in the scratch dir. */
  stateDir(i: number): string
  apiSocket(i: number): string
  /** The pin directory raftctl uses for node i's interface. */
  pinDir(i: number): string
  /** Whether a namespace name belongs to this cluster. */
  ownsNamespace(netns: string): boolean
}

/** Host numbers start here in the last address byte, far from node numbers. */
const HOST_BASE = 100

/**
 * Names for cluster `name` on subnet 10.213.<subnet>.0/24. Interface names stay within the
 * kernel's 15 characters for names of up to 10 characters.
 */
export function clusterNames(name: string, subnet = 0): ClusterNames {
  if (!CLUSTER_NAME.test(name)) throw new Error(`cluster name "${name}" must be 1-10 lowercase letters and digits`)
  const runDir = join(RUN_BASE, name)
  const owned = new RegExp(`^${name}-(sw|n\\d+|h\\d+)$`)
  return {
    name,
    switchNs: `${name}-sw`,
    bridge: `${name}-br`,
    nodeNs: (i) => `${name}-n${i}`,
    nodeIface: (i) => `${name}-n${i}`,
    switchIface: (i) => `${name}-s${i}`,
    addr: (i) => `10.213.${subnet}.${i}`,
    hostNs: (i) => `${name}-h${i}`,
    hostIface: (i) => `${name}-h${i}`,
    hostSwitchIface: (i) => `${name}-t${i}`,
    hostAddr: (i) => `10.213.${subnet}.${HOST_BASE + i}`,
    runDir,
    scratchDir: join(SCRATCH_BASE, name),
    stateDir: (i) => join(SCRATCH_BASE, name, `n${i}`),
    apiSocket: (i) => join(runDir, `n${i}.sock`),
    pinDir: (i) => join(PIN_BASE, `netns-${name}-n${i}`),
    ownsNamespace: (netns) => owned.test(netns),
  }
}

/** A cluster name unique to this process and call, for tests that run beside other people's. */
export function uniqueClusterName(tag = 't'): string {
  return `${tag}${process.pid.toString(36)}${(uniqueCount++).toString(36)}`.slice(0, 10)
}

let uniqueCount = 0
