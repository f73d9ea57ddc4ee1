/**
 * A reference reading of a frame, written independently of the C parser, that says what the XDP
 * program must do with it: pass it (not ours), drop it (ours but malformed or foreign), or process
 * it as a valid raft message from a member (types 1-6; TimeoutNow, 7, is reserved: malformed).
 */
import {decodeMessage, RAFT_DEFAULT_PORT, RAFT_MSG_BYTES, type WireMessage} from '../../src/dataplane/wire.js'
import {internetChecksum} from './frames.js'
import {CLUSTER_ID, LEARNER_ID, MEMBER_IDS, NODE_CONFIG, SELF_ID, XDP_DROP, XDP_PASS, XDP_TX} from './harness.js'

export type Verdict = {kind: 'pass'} | {kind: 'drop'} | {kind: 'valid'; message: WireMessage}

/** What the program must do with `frame` for node 1 of the test cluster. */
export function classify(frame: Buffer): Verdict {
  const pass = {kind: 'pass'} as const
  const drop = {kind: 'drop'} as const
  let offset = 12
  if (frame.length < 14) return pass
  let ethertype = frame.readUInt16BE(offset)
  for (let tags = 0; tags < 2 && (ethertype === 0x8100 || ethertype === 0x88a8); tags++) {
    if (frame.length < offset + 6) return pass
    ethertype = frame.readUInt16BE(offset + 4)
    offset += 4
  }
  offset += 2
  if (ethertype !== 0x0800 || frame.length < offset + 20) return pass
  const version = frame[offset] >> 4
  const ihl = (frame[offset] & 0x0f) * 4
  if (version !== 4 || ihl < 20 || frame.length < offset + ihl) return pass
  if (frame.readUInt16BE(offset + 6) & 0x3fff) return pass
  if (frame[offset + 9] !== 17) return pass
  const udp = offset + ihl
  if (frame.length < udp + 8 || frame.readUInt16BE(udp + 2) !== RAFT_DEFAULT_PORT) return pass
  if ([...frame.subarray(offset + 16, offset + 20)].join('.') !== NODE_CONFIG.selfAddr) return pass

  if (internetChecksum(frame.subarray(offset, offset + ihl)) !== 0) return drop
  if (frame.length < udp + 8 + RAFT_MSG_BYTES) return drop
  if (frame.readUInt16BE(udp + 4) !== 8 + RAFT_MSG_BYTES) return drop
  if (frame.readUInt16BE(offset + 2) !== ihl + 8 + RAFT_MSG_BYTES) return drop
  const message = decodeMessage(frame.subarray(udp + 8, udp + 8 + RAFT_MSG_BYTES))
  if (!message) return drop
  const srcHost = frame.readUInt32BE(offset + 12)
  const known = [...MEMBER_IDS, LEARNER_ID].includes(message.senderId) && srcHost === (0x0a000000 | message.senderId)
  if (message.clusterId !== CLUSTER_ID || !known || message.senderId === SELF_ID) return drop
  if (message.senderId === LEARNER_ID && message.type !== 'HeartbeatAck') return drop
  return {kind: 'valid', message}
}

/**
 * The action for a valid message of `type` (when no CAS contention intervenes): requests are answered
 * (XDP_TX), PreVoteResponses go up to the node's socket for its pre-vote count (XDP_PASS, §9.6), and
 * the other responses are counted in the kernel and consumed (XDP_DROP).
 */
export function validAction(type: WireMessage['type']): number {
  switch (type) {
    case 'VoteRequest':
    case 'Heartbeat':
    case 'PreVoteRequest':
      return XDP_TX
    case 'PreVoteResponse':
      return XDP_PASS
    case 'VoteResponse':
    case 'HeartbeatAck':
      return XDP_DROP
  }
}
