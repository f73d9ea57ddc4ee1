/**
 * A node's kernel maps (packet counters in raft_stats, the hard-state word in raft_state), read
 * straight from the node's pins: bpffs is shared by every namespace, so the harness needs no
 * nsenter, and two reads a second apart measure exactly that second (SCENARIOS.md E10).
 */
import {join} from 'node:path'
import {BpfMap, decode} from '../bpf/index.js'
import {unpackHardState} from '../dataplane/hard-state.js'
import type {HardState} from '../raft/types.js'

/** struct raft_stats (bpf/raftctl.h), as numbers. */
export interface RaftStats {
  rx: number
  tx: number
  consumed: number
  passed: number
  malformed: number
  foreign: number
  crashed: number
  refused: number
  /** PreVoteResponses passed up to the node's socket. */
  to_user: number
}

/** Reads raft_stats from a node's pin directory (<pin base>/netns-<ns>/<iface>). */
export function readRaftStats(pinDir: string, iface: string): RaftStats {
  const decoded = readEntry(pinDir, iface, 'raft_stats') as Record<string, bigint>
  return Object.fromEntries(Object.entries(decoded).map(([k, v]) => [k, Number(v)])) as unknown as RaftStats
}

/** The hard state (term, votedFor, role) in a node's pinned raft_state: what survives its process. */
export function readHardState(pinDir: string, iface: string): HardState {
  return unpackHardState((readEntry(pinDir, iface, 'raft_state') as {hard: {word: bigint}}).hard.word)
}

/** The kernel's view of a node: the hard state plus the leader it last accepted and the crash flag. */
export interface KernelView extends HardState {
  leaderId: number
  crashed: boolean
}

/**
 * The node's state as the kernel holds it right now. For an xdp node this is the truth both the
 * XDP program and the state machine change by CAS; the node's log reports the same changes, but
 * late when its process is starved of CPU (five nodes starting on two CPUs).
 */
export function readKernelView(pinDir: string, iface: string): KernelView {
  const raw = readEntry(pinDir, iface, 'raft_state') as {hard: {word: bigint}; leader_id: number; crashed: number}
  return {...unpackHardState(raw.hard.word), leaderId: raw.leader_id, crashed: raw.crashed !== 0}
}

/** Entry 0 of a pinned one-entry array, decoded by its BTF. */
function readEntry(pinDir: string, iface: string, name: string): unknown {
  const map = BpfMap.openPinned(join(pinDir, iface, name))
  try {
    const value = map.lookup(Buffer.alloc(4))
    if (!value || !map.valueLayout) throw new Error(`${name} of ${iface} has no entry or no BTF`)
    return decode(map.valueLayout, value)
  } finally {
    map.close()
  }
}

/** The difference of two readings, field by field. */
export function statsDelta(before: RaftStats, after: RaftStats): RaftStats {
  const keys = Object.keys(after) as Array<keyof RaftStats>
  return Object.fromEntries(keys.map((k) => [k, after[k] - before[k]])) as unknown as RaftStats
}
