/**
 * The raftctl wire format (bpf/raftctl.h, struct raft_msg): a 32-byte UDP payload in network
 * byte order. The XDP program and the userspace dataplane speak exactly these bytes.
 */
import type {MessageType} from '../raft/types.js'

export const RAFT_MAGIC = 0x5246
export const RAFT_VERSION = 1
export const RAFT_DEFAULT_PORT = 5405
/** Size of struct raft_msg. */
export const RAFT_MSG_BYTES = 32
/** Terms above this do not fit the shared hard-state word (46 bits) and are refused. */
export const RAFT_MAX_TERM = (1n << 46n) - 1n
/** Node ids are 16 bits in the hard-state word; 0 means "none". */
export const RAFT_MAX_NODE_ID = 0xffff
/** The flag bit: "granted" on VoteResponse and PreVoteResponse, "success" on HeartbeatAck. */
export const RAFT_FLAG_OK = 0x01

/** Wire codes of enum raft_msg_type. */
export const messageCodes: Record<MessageType, number> = {
  VoteRequest: 1,
  VoteResponse: 2,
  Heartbeat: 3,
  HeartbeatAck: 4,
  PreVoteRequest: 5,
  PreVoteResponse: 6,
}

const messageTypes = new Map(Object.entries(messageCodes).map(([name, code]) => [code, name as MessageType]))

/** One decoded raft message. */
export interface WireMessage {
  type: MessageType
  flag: boolean
  clusterId: number
  senderId: number
  term: bigint
  echo: bigint
}

/** Encodes a message as the 32 bytes of struct raft_msg. */
export function encodeMessage(m: WireMessage, version = RAFT_VERSION): Buffer {
  const buf = Buffer.alloc(RAFT_MSG_BYTES)
  buf.writeUInt16BE(RAFT_MAGIC, 0)
  buf.writeUInt8(version, 2)
  buf.writeUInt8(messageCodes[m.type], 3)
  buf.writeUInt8(m.flag ? RAFT_FLAG_OK : 0, 4)
  buf.writeUInt32BE(m.clusterId >>> 0, 8)
  buf.writeUInt32BE(m.senderId >>> 0, 12)
  buf.writeBigUInt64BE(m.term, 16)
  buf.writeBigUInt64BE(m.echo, 24)
  return buf
}

/**
 * Decodes a UDP payload, or returns undefined when it is not exactly one valid message of
 * this version (the same acceptance rule as the XDP program's parse_raft_msg).
 */
export function decodeMessage(payload: Buffer): WireMessage | undefined {
  if (payload.length !== RAFT_MSG_BYTES) return undefined
  if (payload.readUInt16BE(0) !== RAFT_MAGIC || payload.readUInt8(2) !== RAFT_VERSION) return undefined
  const type = messageTypes.get(payload.readUInt8(3))
  const term = payload.readBigUInt64BE(16)
  if (!type || term > RAFT_MAX_TERM) return undefined
  return {
    type,
    flag: (payload.readUInt8(4) & RAFT_FLAG_OK) !== 0,
    clusterId: payload.readUInt32BE(8),
    senderId: payload.readUInt32BE(12),
    term,
    echo: payload.readBigUInt64BE(24),
  }
}
