/**
 * The packed hard-state word shared with the XDP program (bpf/raftctl.h, union raft_hard):
 * bits 0-45 term, 46-61 votedFor, 62-63 role. Both sides change it only by compare-and-swap.
 */
import type {HardState, Role} from '../raft/types.js'

const TERM_MASK = (1n << 46n) - 1n
const VOTED_SHIFT = 46n
const ROLE_SHIFT = 62n
const roles: Role[] = ['follower', 'candidate', 'leader']

/** Packs a hard state into the shared 64-bit word. */
export function packHardState(s: HardState): bigint {
  if (s.term < 0n || s.term > TERM_MASK) throw new RangeError(`term ${s.term} does not fit in 46 bits`)
  if (!Number.isInteger(s.votedFor) || s.votedFor < 0 || s.votedFor > 0xffff) {
    throw new RangeError(`votedFor ${s.votedFor} is not a node id (0-65535)`)
  }
  return s.term | (BigInt(s.votedFor) << VOTED_SHIFT) | (BigInt(roles.indexOf(s.role)) << ROLE_SHIFT)
}

/** Unpacks the shared 64-bit word. */
export function unpackHardState(word: bigint): HardState {
  const role = roles[Number(word >> ROLE_SHIFT)]
  if (!role) throw new RangeError(`hard-state word 0x${word.toString(16)} has an unknown role`)
  return {term: word & TERM_MASK, votedFor: Number((word >> VOTED_SHIFT) & 0xffffn), role}
}
