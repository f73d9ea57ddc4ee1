/**
 * Frames for the binding fixture (test/fixtures/binding.bpf.c): an Ethernet header and, after
 * it, the command byte that selects what the program does.
 */

/** The fixture's commands. */
export const FX_CMD_FULL = 0
export const FX_CMD_CAS = 1

/** XDP return codes. */
export const XDP_ABORTED = 0
export const XDP_DROP = 1
export const XDP_PASS = 2
export const XDP_TX = 3

export const DST_MAC = Buffer.from('020000000001', 'hex')
export const SRC_MAC = Buffer.from('020000000002', 'hex')

/** A 64-byte frame (dst, src, ethertype 0x88b5 local experimental) carrying `command`. */
export function fixtureFrame(command = FX_CMD_FULL, length = 64): Buffer {
  const frame = Buffer.alloc(length)
  DST_MAC.copy(frame, 0)
  SRC_MAC.copy(frame, 6)
  frame.writeUInt16BE(0x88b5, 12)
  if (length > 14) frame[14] = command
  return frame
}

/** Little-endian bytes of an integer of `size` bytes, for load-time globals and keys. */
export function le(size: number, value: number | bigint): Buffer {
  const buf = Buffer.alloc(size)
  if (size === 8) buf.writeBigUInt64LE(BigInt(value))
  else buf.writeUIntLE(Number(value), 0, size)
  return buf
}
