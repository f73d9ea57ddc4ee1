/**
 * The floor of figure 8: the heartbeat round trip to a follower that does the least possible.
 * A test host on the cluster's bridge runs bpf/echo-floor.bpf.c, which bounces each Heartbeat
 * as a successful HeartbeatAck, and the leader heartbeats it as a learner. Its acks go through
 * exactly the leader's path (userspace send, the leader's XDP measuring now - echo), so raftctl's
 * follower round trip divided by this one is the cost of a real follower on this machine.
 */
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import type {Cluster} from '../cluster/cluster.js'
import {ipIn} from '../cluster/shell.js'
import {RaftctlError} from '../errors.js'
import {packageRoot} from '../package-root.js'
import {MAX_NODE_ID} from '../raft/config.js'

/** The floor's object, relative to the package root. */
const FLOOR_OBJECT = 'obj/echo-floor.bpf.o'

/** The floor's compiled object, rebuilt through the Makefile when its source is newer (or it is missing). */
export function floorObjectPath(): string {
  const root = packageRoot()
  const object = join(root, FLOOR_OBJECT)
  try {
    execFileSync('make', ['-s', '-C', root, FLOOR_OBJECT], {stdio: ['ignore', 'ignore', 'pipe']})
  } catch (error) {
    if (existsSync(object)) return object // a read-only install ships the object prebuilt
    const stderr = String((error as {stderr?: Buffer}).stderr ?? '').trim().split('\n').pop()
    throw new RaftctlError(`compile bpf/echo-floor.bpf.c: ${stderr || 'make failed'}; install clang and libbpf-dev (make deps)`, {cause: error})
  }
  return object
}

/**
 * Attaches the echo to `iface` in `netns` in generic (skb) mode, the mode the cluster's nodes
 * run in, so both ends of the measured link pay the same hook. Fails if another XDP program is
 * attached there (iproute2 does not replace one without -force).
 */
export function attachEchoFloor(netns: string, iface: string): void {
  const object = floorObjectPath()
  try {
    ipIn(netns, 'link', 'set', 'dev', iface, 'xdpgeneric', 'object', object, 'section', 'xdp')
  } catch (error) {
    throw new RaftctlError(`attach the echo floor to ${iface} in ${netns}: ${(error as Error).message}`, {cause: error})
  }
}

/** Takes the echo's generic-mode program off `iface` in `netns`; nothing attached is no error. */
export function detachEchoFloor(netns: string, iface: string): void {
  try {
    ipIn(netns, 'link', 'set', 'dev', iface, 'xdpgeneric', 'off')
  } catch (error) {
    throw new RaftctlError(`detach the echo floor from ${iface} in ${netns}: ${(error as Error).message}`, {cause: error})
  }
}

/** The learner id the echo answers with: the last byte of its IPv4 address (bpf/echo-floor.bpf.c). */
export function floorLearnerId(addr: string): number {
  return Number(addr.split('.')[3])
}

/**
 * Makes test host `host` of a one-node cluster a floor: attaches the echo to its link and adds
 * it as a learner of node 1, so the leader heartbeats it and its acks show in GET /followers
 * (heartbeatRttMs) and as kernel 'ack' events. One node only: the echo cannot tell its own
 * address from another's, and would answer heartbeats the bridge floods to other members in
 * their name (several echo hosts are fine: a flooded heartbeat to one is answered in its own
 * name). On failure the echo is detached again.
 */
export async function startFloorLearner(cluster: Cluster, host = 1): Promise<{learnerId: number; addr: string}> {
  const {names} = cluster
  if (cluster.nodes.length !== 1) {
    throw new RaftctlError(`the echo floor needs a one-node cluster, not ${cluster.nodes.length} nodes: it would answer heartbeats flooded to other members`)
  }
  if (!(Number.isInteger(host) && host >= 1 && host <= (cluster.options.hosts ?? 0))) {
    throw new RaftctlError(`the cluster has no test host ${host}; create it with hosts: ${host}`)
  }
  const addr = names.hostAddr(host)
  const learnerId = floorLearnerId(addr)
  if (!(learnerId >= 1 && learnerId <= MAX_NODE_ID) || cluster.nodes.includes(learnerId)) {
    throw new RaftctlError(`the echo floor at ${addr} would answer as node ${learnerId}, which is not a free learner id`)
  }
  attachEchoFloor(names.hostNs(host), names.hostIface(host))
  try {
    const reply = await cluster.api(1, 'POST', '/followers', {ip: addr, id: learnerId})
    if (reply.status !== 201) throw new Error(`POST /followers answered ${reply.status}: ${JSON.stringify(reply.body)}`)
  } catch (error) {
    detachEchoFloor(names.hostNs(host), names.hostIface(host))
    throw new RaftctlError(`add the echo floor ${addr} as learner n${learnerId} of n1: ${(error as Error).message}`, {cause: error})
  }
  return {learnerId, addr}
}
