/**
 * Non-voting followers (the HTTP API's POST/DELETE /followers): addresses a leader heartbeats
 * and records acks from, that never count toward a quorum. Voting membership is --peers and
 * changes only by restart, so a voting member can neither be added nor removed here.
 */
import type {PeerAddress} from '../dataplane/dataplane.js'
import {MAX_PEERS} from '../dataplane/xdp/maps.js'
import {MAX_NODE_ID} from '../raft/index.js'
import {ControlError, type FollowerView} from './control.js'
import {isIpv4} from './peers.js'

/** A learner and what the leader last heard from it. */
interface Learner extends PeerAddress {
  lastAckMs?: number
  rttMs?: number
}

/** The learners of one node. */
/** Whether an IPv4 address can be one host's unicast address (what a learner needs to be sent heartbeats). */
function isHostAddress(addr: string): boolean {
  const first = Number(addr.split('.')[0])
  return first !== 0 && first !== 127 && first < 224
}

export class Learners {
  private readonly byAddr = new Map<string, Learner>()
  /** When acks were last forgotten (ms). */
  private clearedAtMs = Number.NEGATIVE_INFINITY

  constructor(private readonly members: readonly PeerAddress[]) {}

  /** Every learner's address and id, in the order added. */
  list(): PeerAddress[] {
    return [...this.byAddr.values()].map(({id, addr}) => ({id, addr}))
  }

  /**
   * Adds a learner. Its id must be the one it sends with; by default the lowest id above every
   * member and learner. Adding the same address with the same (or no) id again changes nothing.
   */
  add(addr: string, id?: number): PeerAddress {
    if (typeof addr !== 'string' || !isIpv4(addr)) throw new ControlError(`"${addr}" is not an IPv4 address like 10.0.0.4`, 400)
    if (!isHostAddress(addr)) {
      throw new ControlError(`${addr} is not a host's address (unspecified, loopback, multicast or broadcast); give the learner's own address`, 400)
    }
    const member = this.members.find((m) => m.addr === addr)
    if (member) throw new ControlError(`${addr} is voting member n${member.id}; voters change only with --peers and a restart`, 409)
    if (id !== undefined && (!Number.isInteger(id) || id < 1 || id > MAX_NODE_ID)) {
      throw new ControlError(`learner id ${id} is not a node id (1-${MAX_NODE_ID})`, 400)
    }
    const existing = this.byAddr.get(addr)
    if (existing) {
      if (id !== undefined && id !== existing.id) throw new ControlError(`${addr} is already learner n${existing.id}; remove it first`, 409)
      return {id: existing.id, addr}
    }
    const taken = [...this.members, ...this.byAddr.values()]
    const owner = taken.find((p) => p.id === id)
    if (owner) throw new ControlError(`id ${id} is already n${owner.id} at ${owner.addr}`, 409)
    if (taken.length >= MAX_PEERS) {
      throw new ControlError(`a node holds at most ${MAX_PEERS - this.members.length} learners beside its ${this.members.length} members ` +
        `(the kernel's peer table has ${MAX_PEERS} entries); remove one first`, 409)
    }
    const chosen = id ?? Math.max(...taken.map((p) => p.id)) + 1
    if (chosen > MAX_NODE_ID) throw new ControlError(`no node id is left above ${MAX_NODE_ID - 1}; pass an unused id`, 409)
    this.byAddr.set(addr, {id: chosen, addr})
    return {id: chosen, addr}
  }

  /** Removes a learner; 404 when there is none at `addr`, 409 for a voting member. */
  remove(addr: string): void {
    const member = this.members.find((m) => m.addr === addr)
    if (member) throw new ControlError(`${addr} is voting member n${member.id}; voters change only with --peers and a restart`, 409)
    if (!this.byAddr.delete(addr)) throw new ControlError(`no learner at ${addr}`, 404)
  }

  /** Whether `id` is a learner's. */
  has(id: number): boolean {
    return this.byId(id) !== undefined
  }

  /**
   * Records a successful ack of the current leadership from learner `id`, received at `atMs`.
   * Reports may come late and out of order (the kernel's ring and its peer records): the latest
   * counts, and one from before the last clearAcks describes a leadership that ended.
   */
  recordAck(id: number, atMs: number, rttMs?: number): void {
    const learner = this.byId(id)
    if (!learner || atMs < this.clearedAtMs || atMs <= (learner.lastAckMs ?? Number.NEGATIVE_INFINITY)) return
    learner.lastAckMs = atMs
    if (rttMs !== undefined) learner.rttMs = rttMs
  }

  /** Learner `id`, found without copying the map: every ack asks. */
  private byId(id: number): Learner | undefined {
    for (const learner of this.byAddr.values()) if (learner.id === id) return learner
    return undefined
  }

  /** Forgets acks: they describe a leadership that ended at `nowMs`. */
  clearAcks(nowMs: number): void {
    this.clearedAtMs = nowMs
    for (const learner of this.byAddr.values()) {
      learner.lastAckMs = undefined
      learner.rttMs = undefined
    }
  }

  /** Rows of GET /followers. */
  views(nowMs: number): FollowerView[] {
    return [...this.byAddr.values()].map((l) => ({
      id: l.id, addr: l.addr, voter: false,
      ...(l.lastAckMs === undefined ? {} : {lastAckMsAgo: nowMs - l.lastAckMs}),
      ...(l.rttMs === undefined ? {} : {heartbeatRttMs: l.rttMs}),
    }))
  }
}
