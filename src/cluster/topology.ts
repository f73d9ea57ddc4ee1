/**
 * The cluster's network: a "switch" namespace holding a Linux bridge, and per node a namespace
 * whose veth peer is a bridge port in the switch. Nothing is created in the host's namespace,
 * so the host's firewall, bridge-netfilter settings and routes never see or shape cluster traffic,
 * and deleting the switch namespace takes the bridge, every bridge port (and with it every veth
 * pair) and the fault-injection table away in one step.
 */
import type {ClusterNames} from './names.js'
import {ipIn, sh, shIn, shOutput, shQuiet} from './shell.js'

/** One end point on the bridge: a node or a test host. */
export interface Attachment {
  netns: string
  iface: string
  switchIface: string
  addr: string
}

/** The bridge's alias, by which `cluster down --stale` knows a switch namespace for raftctl's. */
export const BRIDGE_ALIAS = 'raftctl-cluster'

/** Whether `names`' switch namespace holds raftctl's bridge (its alias says so). */
export function hasClusterBridge(names: ClusterNames): boolean {
  try {
    const [link] = JSON.parse(shOutput('ip', ['-n', names.switchNs, '-j', 'link', 'show', 'dev', names.bridge]) || '[]') as Array<{ifalias?: string}>
    return link?.ifalias === BRIDGE_ALIAS
  } catch {
    return false
  }
}

/** Creates the switch namespace with its bridge up. */
export function createSwitch(names: ClusterNames): void {
  addNamespace(names.switchNs)
  ipIn(names.switchNs, 'link', 'add', names.bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
  ipIn(names.switchNs, 'link', 'set', 'dev', names.bridge, 'alias', BRIDGE_ALIAS, 'up')
}

/**
 * Creates a namespace holding `end.iface` with `end.addr`/24, its peer a port of the bridge.
 * Tx checksum offload is turned off on the node end: locally sent UDP on a veth otherwise
 * carries only a partial checksum on the wire (NOTES.md), which a userspace receiver drops.
 */
export function attachEndpoint(names: ClusterNames, end: Attachment): void {
  addNamespace(end.netns)
  sh('ip', ['link', 'add', end.iface, 'netns', end.netns, 'type', 'veth', 'peer', 'name', end.switchIface, 'netns', names.switchNs])
  ipIn(names.switchNs, 'link', 'set', 'dev', end.switchIface, 'master', names.bridge, 'up')
  ipIn(end.netns, 'addr', 'add', `${end.addr}/24`, 'dev', end.iface)
  ipIn(end.netns, 'link', 'set', 'dev', end.iface, 'up')
  ipIn(end.netns, 'link', 'set', 'dev', 'lo', 'up')
  shIn(end.netns, 'ethtool', ['-K', end.iface, 'tx', 'off'])
}

/** Sets the bridge-side end of a node's link up or down: down cuts the node off before its XDP sees anything. */
export function setSwitchPort(names: ClusterNames, switchIface: string, up: boolean): void {
  ipIn(names.switchNs, 'link', 'set', 'dev', switchIface, up ? 'up' : 'down')
}

/** A namespace without IPv6, so no router solicitations or DAD chatter crosses the bridge. */
function addNamespace(netns: string): void {
  sh('ip', ['netns', 'add', netns])
  shIn(netns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'])
}

/** Deletes a namespace if it exists (its links go with it). */
export function deleteNamespace(netns: string): void {
  shQuiet('ip', ['netns', 'del', netns])
}
