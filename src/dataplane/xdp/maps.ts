/**
 * Typed access to the raftctl program's maps, whether from a freshly loaded object or from the
 * pins of an attached interface (another process). Field offsets come from BTF, never from
 * hand-kept constants, so this stays right when bpf/raftctl.h changes.
 */
import {BpfMap, decode, encode, fieldOffset, type BpfObject, type MappedMemory} from '../../bpf/index.js'
import {RaftctlError} from '../../errors.js'
import type {HardState, HardStateStore} from '../../raft/types.js'
import {packHardState, unpackHardState} from '../hard-state.js'
import {MAP_NAMES, pinPaths, type MapName} from './pins.js'

const ZERO_KEY = Buffer.alloc(4)

/** Voting members the tally word has bits for (bpf/raftctl.h RAFT_MAX_MEMBERS). */
export const MAX_VOTING_MEMBERS = 18
/** Entries of raft_peers (max_entries in bpf/raftctl.bpf.c): every member, this node too, and every learner. */
export const MAX_PEERS = 256
/** Node ids fit in 16 bits of the hard-state word; 0 means none. */
const MAX_NODE_ID = 0xffff

/** struct raft_config, as userspace writes it. */
export interface NodeConfig {
  nodeId: number
  clusterSize: number
  selfIndex: number
  /** This node's IPv4 address: raft frames to any other address are not answered. */
  selfAddr: string
  termLimit?: bigint
  /**
   * T, the minimum election timeout, in ns: a leader heard within it holds a lease and the program
   * denies PreVotes (thesis §9.6, §4.2.3).
   */
  electionTimeoutMinNs: bigint
}

/** The longest election timeout the program accepts (1 hour, in ns): a larger one is a unit mistake. */
const MAX_ELECTION_TIMEOUT_NS = 3_600_000_000_000n

function requireRange(what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RaftctlError(`${what} must be a whole number from ${min} to ${max}, not ${value}`)
  }
}

/** Checks a configuration before the kernel acts on it: the program trusts these values. */
export function validateNodeConfig(config: NodeConfig): void {
  requireRange('node id', config.nodeId, 1, MAX_NODE_ID)
  requireRange('cluster size', config.clusterSize, 1, MAX_VOTING_MEMBERS)
  requireRange('self index', config.selfIndex, 0, config.clusterSize - 1)
  ipv4Bytes(config.selfAddr)
  const t = config.electionTimeoutMinNs
  if (typeof t !== 'bigint' || t < 1n || t > MAX_ELECTION_TIMEOUT_NS) {
    throw new RaftctlError(`the minimum election timeout must be a whole number of ns from 1 to ${MAX_ELECTION_TIMEOUT_NS}, not ${t}`)
  }
}

/** Checks a peer list: ids and addresses unique, voters' indices distinct and within the tally. */
export function validatePeers(peers: PeerEntry[]): void {
  if (peers.length > MAX_PEERS) throw new RaftctlError(`${peers.length} peers do not fit the kernel's table of ${MAX_PEERS}`)
  const seen = {addr: new Set<string>(), id: new Set<number>(), index: new Set<number>()}
  for (const peer of peers) {
    ipv4Bytes(peer.addr)
    requireRange(`node id of ${peer.addr}`, peer.nodeId, 1, MAX_NODE_ID)
    if (seen.addr.has(peer.addr)) throw new RaftctlError(`peer ${peer.addr} is listed twice; list each address once`)
    if (seen.id.has(peer.nodeId)) throw new RaftctlError(`node id ${peer.nodeId} is given to two peers; ids must be unique`)
    seen.addr.add(peer.addr)
    seen.id.add(peer.nodeId)
    if (!peer.voter) continue
    requireRange(`tally index of ${peer.addr}`, peer.index, 0, MAX_VOTING_MEMBERS - 1)
    if (seen.index.has(peer.index)) throw new RaftctlError(`tally index ${peer.index} is given to two voters`)
    seen.index.add(peer.index)
  }
}

/** One entry of raft_peers: a member (voter) or a learner, by IPv4 address. */
export interface PeerEntry {
  addr: string
  nodeId: number
  index: number
  voter: boolean
}

/** The soft state beside the hard-state word, decoded. */
export interface NodeState {
  hard: HardState
  leaderId: number
  /** The term leaderId was heard (or elected) in; 0n = not since the last crash. */
  leaderTerm: bigint
  crashed: boolean
  timerResetKtimeNs: bigint
  leaderHeardKtimeNs: bigint
  /** Voters counted by a candidate (bit per member index) and the term they were counted in. */
  tally: {voters: number; term: bigint}
}

/** A peer's record with the ack statistics the kernel keeps. */
export interface PeerRecord extends PeerEntry {
  lastAckKtimeNs: bigint
  rttNs: bigint
  acks: bigint
}

/** Dotted IPv4 to the network-order bytes of a __be32. */
export function ipv4Bytes(addr: string): Buffer {
  const parts = addr.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RaftctlError(`${addr} is not an IPv4 address; give dotted quads like 10.0.0.1`)
  }
  return Buffer.from(parts)
}

/** The five maps of one raftctl program. */
export class RaftMaps {
  private memory?: MappedMemory
  private readonly stateOffsets = new Map<string, number>()

  private constructor(private readonly maps: Record<MapName, BpfMap>, private readonly owned: boolean) {}

  /** The maps of a loaded object (closed with the object). */
  static fromObject(object: BpfObject): RaftMaps {
    return new RaftMaps(Object.fromEntries(MAP_NAMES.map((n) => [n, object.map(n)])) as Record<MapName, BpfMap>, false)
  }

  /** The maps pinned for an interface by `raftctl attach`. */
  static openPinned(iface: string): RaftMaps {
    const paths = pinPaths(iface)
    const opened: Partial<Record<MapName, BpfMap>> = {}
    try {
      for (const name of MAP_NAMES) opened[name] = BpfMap.openPinned(paths.map(name))
    } catch (error) {
      for (const map of Object.values(opened)) map.close()
      throw new RaftctlError(`raftctl is not attached to ${iface} (no pinned maps in ${paths.root}); ` +
        `run: raftctl attach --iface ${iface}`, {cause: error})
    }
    return new RaftMaps(opened as Record<MapName, BpfMap>, true)
  }

  /** One map by name. */
  map(name: MapName): BpfMap {
    return this.maps[name]
  }

  /** All maps, in declaration order. */
  all(): BpfMap[] {
    return MAP_NAMES.map((n) => this.maps[n])
  }

  /** The hard-state word as a store both sides change by compare-and-swap. */
  hardStateStore(): HardStateStore {
    const memory = this.mappedState()
    const offset = this.offsetInState('hard.word')
    return {
      load: () => unpackHardState(memory.loadU64(offset)),
      compareAndSwap: (expected, next) =>
        memory.compareExchangeU64(offset, packHardState(expected), packHardState(next)) === packHardState(expected),
    }
  }

  /** Reads raft_state. */
  readState(): NodeState {
    const state = this.maps.raft_state
    const raw = decode(this.layout(state), state.lookup(ZERO_KEY)!) as {
      hard: {word: bigint}; tally: {f: {voters: number; term: bigint | number}}
      timer_reset_ktime_ns: bigint; leader_heard_ktime_ns: bigint; leader_id: number; leader_term: bigint; crashed: number
    }
    return {
      hard: unpackHardState(raw.hard.word),
      leaderId: raw.leader_id,
      leaderTerm: raw.leader_term,
      crashed: raw.crashed !== 0,
      timerResetKtimeNs: raw.timer_reset_ktime_ns,
      leaderHeardKtimeNs: raw.leader_heard_ktime_ns,
      tally: {voters: raw.tally.f.voters, term: BigInt(raw.tally.f.term)},
    }
  }

  /** One time stamp of raft_state, read from the mapping alone: the driver asks before every timeout. */
  readKtimeNs(field: 'timer_reset_ktime_ns' | 'leader_heard_ktime_ns'): bigint {
    return this.mappedState().loadU64(this.offsetInState(field))
  }

  /**
   * Sets or clears the crashed flag: while set the program drops every raft packet. Clearing it
   * (a crash ends, a process starts) also makes the program report the next heartbeat, whose
   * leader the node's process must learn afresh.
   */
  setCrashed(crashed: boolean): void {
    if (!crashed) this.mappedState().storeU64(this.offsetInState('leader_term'), 0n)
    this.mappedState().storeU32(this.offsetInState('crashed'), crashed ? 1 : 0)
  }

  /** Writes leader_heard_ktime_ns (tests: 0 = never, or now to hold the leader lease). */
  writeLeaderHeard(ktimeNs: bigint): void {
    this.mappedState().storeU64(this.offsetInState('leader_heard_ktime_ns'), ktimeNs)
  }

  /** Writes the tally word directly (tests): voters counted for `term`, a bit per member index. */
  writeTally(voters: number, term: bigint): void {
    this.mappedState().storeU64(this.offsetInState('tally.word'), (term << BigInt(MAX_VOTING_MEMBERS)) | BigInt(voters))
  }

  /** Writes raft_config. */
  writeConfig(config: NodeConfig): void {
    validateNodeConfig(config)
    const map = this.maps.raft_config
    const value = encode(this.layout(map), {
      node_id: config.nodeId,
      cluster_size: config.clusterSize,
      self_index: config.selfIndex,
      term_limit: config.termLimit ?? 0n,
      election_timeout_min_ns: config.electionTimeoutMinNs,
    })
    // __be32: the address bytes go in as they are on the wire
    ipv4Bytes(config.selfAddr).copy(value, fieldOffset(this.layout(map), 'self_addr').offset)
    map.update(ZERO_KEY, value)
  }

  /** Marks the node unconfigured: the program then drops every raft frame. */
  clearConfig(): void {
    const map = this.maps.raft_config
    map.update(ZERO_KEY, Buffer.alloc(map.valueSize))
  }

  /** Reads raft_config. */
  readConfig(): NodeConfig {
    const map = this.maps.raft_config
    const value = map.lookup(ZERO_KEY)!
    const raw = decode(this.layout(map), value) as {
      node_id: number; cluster_size: number; self_index: number; term_limit: bigint; election_timeout_min_ns: bigint
    }
    const addr = fieldOffset(this.layout(map), 'self_addr').offset
    return {nodeId: raw.node_id, clusterSize: raw.cluster_size, selfIndex: raw.self_index,
      selfAddr: [...value.subarray(addr, addr + 4)].join('.'), termLimit: raw.term_limit,
      electionTimeoutMinNs: raw.election_timeout_min_ns}
  }

  /** Replaces the peers map with exactly these entries. */
  writePeers(peers: PeerEntry[]): void {
    validatePeers(peers)
    const map = this.maps.raft_peers
    const keep = new Set(peers.map((p) => ipv4Bytes(p.addr).toString('hex')))
    for (const key of map.keys()) if (!keep.has(key.toString('hex'))) map.delete(key)
    for (const peer of peers) {
      map.update(ipv4Bytes(peer.addr), encode(this.layout(map), {
        node_id: peer.nodeId, index: peer.index, voter: peer.voter ? 1 : 0,
      }))
    }
  }

  /** Reads every peer with its ack statistics. */
  readPeers(): PeerRecord[] {
    const map = this.maps.raft_peers
    return map.entries().map(([key, value]) => {
      const raw = decode(this.layout(map), value) as {
        node_id: number; index: number; voter: number; last_ack_ktime_ns: bigint; rtt_ns: bigint; acks: bigint
      }
      return {addr: [...key.subarray(0, 4)].join('.'), nodeId: raw.node_id, index: raw.index, voter: raw.voter !== 0,
        lastAckKtimeNs: raw.last_ack_ktime_ns, rttNs: raw.rtt_ns, acks: raw.acks}
    })
  }

  /** Releases the mapping and, for pinned maps, the file descriptors. */
  close(): void {
    this.memory?.close()
    this.memory = undefined
    if (this.owned) for (const map of this.all()) map.close()
  }

  private mappedState(): MappedMemory {
    this.memory ??= this.maps.raft_state.mmap()
    return this.memory
  }

  private offsetInState(path: string): number {
    let offset = this.stateOffsets.get(path)
    if (offset === undefined) this.stateOffsets.set(path, (offset = fieldOffset(this.layout(this.maps.raft_state), path).offset))
    return offset
  }

  private layout(map: BpfMap) {
    if (!map.valueLayout) throw new RaftctlError(`map ${map.name} has no BTF; rebuild the program with: make bpf`)
    return map.valueLayout
  }
}
