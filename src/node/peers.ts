/**
 * Who is in the cluster, as `raftctl run --peers` says: node ids are positions in the --peers list
 * (1..N), so every node given the same list computes the same ids without further configuration.
 * This node is the member whose address is on --iface, or the one --id names.
 */
import {networkInterfaces} from 'node:os'
import type {PeerAddress} from '../dataplane/dataplane.js'
import {MAX_VOTING_MEMBERS} from '../dataplane/xdp/maps.js'
import {RaftctlError} from '../errors.js'

/** At most this many voting members: the kernel's vote tally has one bit per member (RAFT_MAX_MEMBERS). */
export const MAX_MEMBERS = MAX_VOTING_MEMBERS

/** The voting members with their ids, and which one this node is. */
export interface ClusterLayout {
  self: PeerAddress
  /** In --peers order; member i (0-based) has id i + 1. */
  members: PeerAddress[]
}

const DOTTED_IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** Whether `text` is a dotted-quad IPv4 address (no leading zeros, each part 0-255). */
export function isIpv4(text: string): boolean {
  return DOTTED_IPV4.test(text)
}

function usage(message: string): RaftctlError {
  return new RaftctlError(message, {exitCode: 2})
}

/** Splits and validates --peers: dotted IPv4 addresses, each once, at most MAX_MEMBERS. */
export function parsePeers(list: string): string[] {
  const peers = list.split(',').map((p) => p.trim())
  const bad = peers.find((p) => !isIpv4(p))
  if (bad !== undefined) {
    throw usage(`--peers must list IPv4 addresses separated by commas, like 10.0.0.1,10.0.0.2,10.0.0.3; "${bad}" is not one`)
  }
  const twice = peers.find((p, i) => peers.indexOf(p) !== i)
  if (twice) throw usage(`--peers lists ${twice} twice; list each member once`)
  if (peers.length > MAX_MEMBERS) throw usage(`--peers lists ${peers.length} addresses; a cluster has at most ${MAX_MEMBERS} members`)
  return peers
}

/** The IPv4 addresses of `iface` in this network namespace (os.networkInterfaces() sees the namespace's own). */
export function ifaceAddresses(iface: string): string[] {
  return (networkInterfaces()[iface] ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address)
}

/**
 * Numbers the members 1..N in --peers order and finds this node: --id N (1-based) when given,
 * else the one member whose address is on `iface`.
 */
export function resolveLayout(peers: string[], opts: {iface: string; id?: number; localAddrs?: string[]}): ClusterLayout {
  const members = peers.map((addr, i) => ({id: i + 1, addr}))
  if (opts.id !== undefined) {
    const self = members[opts.id - 1]
    if (!self) throw usage(`--id ${opts.id} names no member: --peers lists ${peers.length} (ids 1-${peers.length}, in that order)`)
    return {self, members}
  }
  const local = opts.localAddrs ?? ifaceAddresses(opts.iface)
  const mine = members.filter((m) => local.includes(m.addr))
  if (mine.length === 1) return {self: mine[0], members}
  if (mine.length > 1) {
    throw usage(`${opts.iface} holds several of --peers (${mine.map((m) => m.addr).join(', ')}); pass --id N to pick this node`)
  }
  const has = local.length ? `it has ${local.join(', ')}` : 'it has no IPv4 address here'
  throw usage(`none of --peers is an address of ${opts.iface} (${has}); run on a member or pass --id N (its position in --peers)`)
}
