/**
 * Crafting and parsing Ethernet/IPv4/UDP frames for prog test-run: every header field can be
 * set wrong on purpose (VLAN tags, IP options, fragments, padding, bad lengths).
 */
import {encodeMessage, RAFT_DEFAULT_PORT, type WireMessage} from '../../src/dataplane/wire.js'

const ETH_P_IP = 0x0800
const ETH_P_8021Q = 0x8100
const IPPROTO_UDP = 17

/** What a test may set; everything has a sane default. */
export interface FrameSpec {
  srcIp?: string
  dstIp?: string
  srcPort?: number
  dstPort?: number
  payload: Buffer
  vlanIds?: number[]
  ipOptions?: Buffer
  ethertype?: number
  protocol?: number
  ipVersion?: number
  /** IP flags/fragment-offset field (host order), e.g. 0x2000 for "more fragments". */
  fragment?: number
  udpLength?: number
  ipTotalLength?: number
  /** Pad the frame with zeros to this length, as a NIC pads short frames. */
  padTo?: number
}

/** 16-bit ones' complement sum, folded and inverted. */
export function internetChecksum(...parts: Buffer[]): number {
  let sum = 0
  const bytes = Buffer.concat(parts)
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

function ip(addr: string): Buffer {
  return Buffer.from(addr.split('.').map(Number))
}

/** Builds a frame from the spec. */
export function buildFrame(spec: FrameSpec): Buffer {
  const src = ip(spec.srcIp ?? '10.0.0.2')
  const dst = ip(spec.dstIp ?? '10.0.0.1')
  const udp = Buffer.alloc(8)
  udp.writeUInt16BE(spec.srcPort ?? RAFT_DEFAULT_PORT, 0)
  udp.writeUInt16BE(spec.dstPort ?? RAFT_DEFAULT_PORT, 2)
  udp.writeUInt16BE(spec.udpLength ?? 8 + spec.payload.length, 4)
  const pseudo = Buffer.concat([src, dst, Buffer.from([0, IPPROTO_UDP]), udp.subarray(4, 6)])
  udp.writeUInt16BE(internetChecksum(pseudo, udp, spec.payload) || 0xffff, 6)

  const options = spec.ipOptions ?? Buffer.alloc(0)
  const iph = Buffer.alloc(20 + options.length)
  iph.writeUInt8(((spec.ipVersion ?? 4) << 4) | (iph.length / 4), 0)
  iph.writeUInt16BE(spec.ipTotalLength ?? iph.length + 8 + spec.payload.length, 2)
  iph.writeUInt16BE(0x1234, 4)
  iph.writeUInt16BE(spec.fragment ?? 0x4000, 6)
  iph.writeUInt8(64, 8)
  iph.writeUInt8(spec.protocol ?? IPPROTO_UDP, 9)
  src.copy(iph, 12)
  dst.copy(iph, 16)
  options.copy(iph, 20)
  iph.writeUInt16BE(internetChecksum(iph), 10)

  // dst and src MAC, then a (0x8100, VLAN id) pair per tag, then the ethertype
  const words = [...(spec.vlanIds ?? []).flatMap((id) => [ETH_P_8021Q, id]), spec.ethertype ?? ETH_P_IP]
  const eth = Buffer.alloc(12 + 2 * words.length)
  Buffer.from('020000000001020000000002', 'hex').copy(eth)
  words.forEach((word, i) => eth.writeUInt16BE(word, 12 + 2 * i))
  const frame = Buffer.concat([eth, iph, udp, spec.payload])
  return spec.padTo && frame.length < spec.padTo ? Buffer.concat([frame, Buffer.alloc(spec.padTo - frame.length)]) : frame
}

/** A frame carrying one raft message from `from` (10.0.0.<from> unless srcIp is given). */
export function raftFrame(message: WireMessage, spec: Partial<FrameSpec> = {}): Buffer {
  return buildFrame({srcIp: `10.0.0.${message.senderId}`, ...spec, payload: encodeMessage(message)})
}

/** A parsed frame, with its checksums checked. */
export interface ParsedFrame {
  ethDst: string
  ethSrc: string
  vlanIds: number[]
  srcIp: string
  dstIp: string
  ipChecksumOk: boolean
  srcPort: number
  dstPort: number
  udpLength: number
  /** True when the UDP checksum verifies, or is zero (no checksum, legal on IPv4). */
  udpChecksumOk: boolean
  udpChecksum: number
  payload: Buffer
}

/** Parses an Ethernet/[VLAN]/IPv4/UDP frame. */
export function parseFrame(frame: Buffer): ParsedFrame {
  let offset = 12
  const vlanIds: number[] = []
  while (frame.readUInt16BE(offset) === ETH_P_8021Q) {
    vlanIds.push(frame.readUInt16BE(offset + 2))
    offset += 4
  }
  offset += 2
  const ihl = (frame[offset] & 0x0f) * 4
  const iph = frame.subarray(offset, offset + ihl)
  const udp = frame.subarray(offset + ihl)
  const udpLength = udp.readUInt16BE(4)
  const datagram = udp.subarray(0, udpLength)
  const pseudo = Buffer.concat([iph.subarray(12, 20), Buffer.from([0, IPPROTO_UDP]), udp.subarray(4, 6)])
  const udpChecksum = udp.readUInt16BE(6)
  const dotted = (b: Buffer) => [...b].join('.')
  return {
    ethDst: frame.subarray(0, 6).toString('hex'),
    ethSrc: frame.subarray(6, 12).toString('hex'),
    vlanIds,
    srcIp: dotted(iph.subarray(12, 16)),
    dstIp: dotted(iph.subarray(16, 20)),
    ipChecksumOk: internetChecksum(iph) === 0,
    srcPort: udp.readUInt16BE(0),
    dstPort: udp.readUInt16BE(2),
    udpLength,
    udpChecksumOk: udpChecksum === 0 || internetChecksum(pseudo, datagram) === 0,
    udpChecksum,
    payload: datagram.subarray(8),
  }
}
