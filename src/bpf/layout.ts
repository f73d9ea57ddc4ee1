/**
 * BTF type layouts and the decoding and encoding of raw map keys, values and ring-buffer records by
 * them. Values are read field by field, never compared as whole buffers: padding bytes hold
 * whatever the kernel or the program left there. Multi-byte integers are read in host order
 * (little-endian here); a `__be16`/`__be32` field keeps its typedef so callers can swap it.
 */

interface LayoutBase {
  /** Size in bytes. */
  size: number
  /** The outermost typedef the C code named this type by, e.g. `__u64` or `fx_counter_t`. */
  typedef?: string
}

/** An integer (`bool` when BTF marks it so; `char` arrays decode as strings). */
export interface IntLayout extends LayoutBase {
  kind: 'int'
  name: string
  signed: boolean
  bool?: boolean
}

/** An enum with its enumerators (values of enum64 beyond 2^53 lose precision). */
export interface EnumLayout extends LayoutBase {
  kind: 'enum'
  name: string
  signed?: boolean
  values: Record<string, number>
}

/** A fixed-length array. */
export interface ArrayLayout extends LayoutBase {
  kind: 'array'
  length: number
  element: TypeLayout
}

/** A struct or union member; `bitSize` is 0 unless it is a bitfield. An anonymous member has name ''. */
export interface MemberLayout {
  name: string
  bitOffset: number
  bitSize: number
  type: TypeLayout
}

/** A struct or union (a data section such as `.rodata` reads as a struct of its variables). */
export interface CompositeLayout extends LayoutBase {
  kind: 'struct' | 'union'
  name: string
  members: MemberLayout[]
}

/** A pointer (decoded as a bigint) or a type the decoder does not interpret (decoded as bytes). */
export interface OpaqueLayout extends LayoutBase {
  kind: 'ptr' | 'unknown'
}

/** The layout of one BTF type, as the native binding builds it. */
export type TypeLayout = IntLayout | EnumLayout | ArrayLayout | CompositeLayout | OpaqueLayout

/**
 * The same tree with every kind's fields optional, for generic walkers that branch on `kind`
 * themselves. Every TypeLayout is a Layout.
 */
export interface Layout {
  kind: TypeLayout['kind']
  size: number
  typedef?: string
  name?: string
  signed?: boolean
  bool?: boolean
  values?: Record<string, number>
  length?: number
  element?: Layout
  members?: Array<{name: string; bitOffset: number; bitSize: number; type: Layout}>
}

/** A decoded value: integers up to 4 bytes as numbers, wider ones as bigints. */
export type Decoded = number | bigint | string | Buffer | Decoded[] | {[field: string]: Decoded}

/** What encode() accepts for a value: numbers, bigints or booleans for integers, names for enums. */
export type Encodable = number | bigint | boolean | string | Buffer | Encodable[] | {[field: string]: Encodable | undefined}

/** Whether an array holds C characters, so it decodes to a string. */
function isText(layout: ArrayLayout): boolean {
  const element = layout.element
  return element.kind === 'int' && element.size === 1 && element.name === 'char'
}

// Buffer's readBigUInt64LE builds its result from four intermediate bigints; DataView's makes one.
// The view of the last buffer read is kept, as a record's 64-bit fields are read one after another.
let lastViewed: {buf: Buffer; view: DataView} | undefined

function viewOf(buf: Buffer): DataView {
  if (lastViewed?.buf !== buf) lastViewed = {buf, view: new DataView(buf.buffer, buf.byteOffset, buf.length)}
  return lastViewed.view
}

function readInteger(buf: Buffer, offset: number, size: number, signed: boolean): number | bigint {
  switch (size) {
    case 1:
      return signed ? buf.readInt8(offset) : buf.readUInt8(offset)
    case 2:
      return signed ? buf.readInt16LE(offset) : buf.readUInt16LE(offset)
    case 4:
      return signed ? buf.readInt32LE(offset) : buf.readUInt32LE(offset)
    case 8: {
      const view = viewOf(buf)
      return signed ? view.getBigInt64(offset, true) : view.getBigUint64(offset, true)
    }
    default: {
      const value = readBits(buf, offset * 8, size * 8)
      return signed ? BigInt.asIntN(size * 8, value) : value
    }
  }
}

/** Reads `width` bits starting `bit` bits into `buf` (little-endian bit numbering, as BTF uses on x86). */
function readBits(buf: Buffer, bit: number, width: number): bigint {
  const first = Math.floor(bit / 8)
  const last = Math.ceil((bit + width) / 8)
  let raw = 0n
  for (let i = last - 1; i >= first; i--) raw = (raw << 8n) | BigInt(buf[i])
  return (raw >> BigInt(bit % 8)) & ((1n << BigInt(width)) - 1n)
}

function writeBits(buf: Buffer, bit: number, width: number, value: bigint): void {
  const first = Math.floor(bit / 8)
  const last = Math.ceil((bit + width) / 8)
  const shift = BigInt(bit % 8)
  const mask = ((1n << BigInt(width)) - 1n) << shift
  let raw = 0n
  for (let i = last - 1; i >= first; i--) raw = (raw << 8n) | BigInt(buf[i])
  raw = (raw & ~mask) | ((value << shift) & mask)
  for (let i = first; i < last; i++, raw >>= 8n) buf[i] = Number(raw & 0xffn)
}

/** Each enum's names by value, built once: events are decoded in the hot path. */
const enumNames = new WeakMap<EnumLayout, Map<number, string>>()

function enumName(layout: EnumLayout, value: number | bigint): string | number | bigint {
  let names = enumNames.get(layout)
  if (!names) {
    names = new Map()
    for (const [name, v] of Object.entries(layout.values)) if (!names.has(v)) names.set(v, name)
    enumNames.set(layout, names)
  }
  return names.get(Number(value)) ?? value
}

/**
 * Reads a bitfield of at most 32 bits (so within 5 bytes, which readUIntLE reaches) as a number,
 * without the bigints readBits makes: ring-buffer records are decoded on the hot path.
 */
function readNarrowBits(buf: Buffer, bit: number, width: number, signed: boolean): number | undefined {
  if (width > 32) return undefined
  const first = bit >> 3
  const bytes = ((bit + width + 7) >> 3) - first
  const raw = Math.floor(buf.readUIntLE(first, bytes) / 2 ** (bit & 7)) % 2 ** width
  return signed && raw >= 2 ** (width - 1) ? raw - 2 ** width : raw
}

function decodeBitfield(member: MemberLayout, buf: Buffer, bit: number): Decoded {
  const type = member.type
  const signed = (type.kind === 'int' || type.kind === 'enum') && type.signed === true
  let result: number | bigint | undefined = readNarrowBits(buf, bit, member.bitSize, signed)
  if (result === undefined) {
    let value = readBits(buf, bit, member.bitSize)
    if (signed) value = BigInt.asIntN(member.bitSize, value)
    result = member.bitSize > 32 ? value : Number(value)
  }
  return type.kind === 'enum' ? (enumName(type, result) as Decoded) : result
}

function decodeAt(layout: TypeLayout, buf: Buffer, offset: number): Decoded {
  switch (layout.kind) {
    case 'int':
      return readInteger(buf, offset, layout.size, layout.signed)
    case 'enum':
      return enumName(layout, readInteger(buf, offset, layout.size, layout.signed === true)) as Decoded
    case 'array': {
      if (isText(layout)) {
        const bytes = buf.subarray(offset, offset + layout.length)
        const end = bytes.indexOf(0)
        return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8')
      }
      const stride = layout.length > 0 ? layout.size / layout.length : 0
      return Array.from({length: layout.length}, (_, i) => decodeAt(layout.element, buf, offset + i * stride))
    }
    case 'struct':
    case 'union': {
      const fields: {[field: string]: Decoded} = {}
      for (const member of layout.members) {
        const value = member.bitSize > 0
          ? decodeBitfield(member, buf, offset * 8 + member.bitOffset)
          : decodeAt(member.type, buf, offset + member.bitOffset / 8)
        // Anonymous struct/union members are reached in C as if they were the parent's own fields.
        if (member.name === '' && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) {
          Object.assign(fields, value)
        } else {
          fields[member.name] = value
        }
      }
      return fields
    }
    case 'ptr':
      return readInteger(buf, offset, layout.size, false)
    default:
      return Buffer.from(buf.subarray(offset, offset + layout.size))
  }
}

/**
 * Decodes `buf` (from `offset`) by its layout: a struct or union becomes a plain object by member
 * name (anonymous members flattened into it), integers up to 4 bytes numbers, 8-byte ones bigints,
 * bitfields numbers (bigints above 32 bits), enums their enumerator name (or the number when it
 * has none), char arrays strings up to the first NUL, other arrays arrays, anything else bytes.
 */
export function decode(layout: Layout, buf: Buffer, offset = 0): Decoded {
  if (buf.length < offset + layout.size) {
    throw new RangeError(`cannot decode ${describe(layout)} (${layout.size} bytes) from ${buf.length - offset} bytes`)
  }
  return decodeAt(layout as TypeLayout, buf, offset)
}

function describe(layout: Layout): string {
  return [layout.kind === 'int' || layout.kind === 'ptr' || layout.kind === 'unknown' ? '' : layout.kind, layout.typedef ?? layout.name]
    .filter(Boolean).join(' ') || layout.kind
}

function toBigInt(value: Encodable | undefined, path: string): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1n : 0n
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
  throw new TypeError(`${path}: expected an integer, got ${String(value)}`)
}

/** Checks that `value` fits in `bits` bits, signed or not; returns its two's-complement bits. */
function fit(value: bigint, bits: number, signed: boolean, path: string): bigint {
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n
  if (value < min || value > max) throw new RangeError(`${path}: ${value} does not fit in ${bits} ${signed ? 'signed' : 'unsigned'} bits`)
  return BigInt.asUintN(bits, value)
}

function enumValue(layout: EnumLayout, value: Encodable | undefined, path: string): bigint {
  if (typeof value !== 'string') return toBigInt(value, path)
  if (!(value in layout.values)) {
    throw new RangeError(`${path}: ${value} is not an enumerator of enum ${layout.name} (${Object.keys(layout.values).join(', ')})`)
  }
  return BigInt(layout.values[value])
}

function scalarBits(layout: TypeLayout, value: Encodable | undefined, bits: number, path: string): bigint {
  if (layout.kind === 'enum') return fit(enumValue(layout, value, path), bits, layout.signed === true, path)
  return fit(toBigInt(value, path), bits, layout.kind === 'int' && layout.signed, path)
}

/** Names a struct accepts: its members', with anonymous members' fields as its own. */
function fieldNames(layout: CompositeLayout, into = new Set<string>()): Set<string> {
  for (const member of layout.members) {
    if (member.name !== '') into.add(member.name)
    else if (member.type.kind === 'struct' || member.type.kind === 'union') fieldNames(member.type, into)
  }
  return into
}

function encodeComposite(layout: CompositeLayout, value: Encodable | undefined, buf: Buffer, offset: number, path: string,
  checkNames: boolean): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new TypeError(`${path || layout.name}: expected an object with the fields of ${layout.kind} ${layout.name}`)
  }
  const fields = value as {[field: string]: Encodable | undefined}
  if (checkNames) {
    const known = fieldNames(layout)
    const unknown = Object.keys(fields).filter((name) => !known.has(name))
    if (unknown.length) throw new TypeError(`${path || layout.name}: ${layout.kind} ${layout.name} has no field ${unknown.join(', ')}`)
  }
  for (const member of layout.members) {
    const memberPath = path ? `${path}.${member.name}` : member.name
    if (member.name === '') {
      if (member.type.kind === 'struct' || member.type.kind === 'union') {
        encodeComposite(member.type, fields, buf, offset + member.bitOffset / 8, path, false)
      }
      continue
    }
    const field = fields[member.name]
    if (field === undefined) continue
    if (member.bitSize > 0) {
      writeBits(buf, offset * 8 + member.bitOffset, member.bitSize, scalarBits(member.type, field, member.bitSize, memberPath))
    } else {
      encodeAt(member.type, field, buf, offset + member.bitOffset / 8, memberPath)
    }
  }
}

function encodeArray(layout: ArrayLayout, value: Encodable, buf: Buffer, offset: number, path: string): void {
  const bytes = typeof value === 'string' && isText(layout) ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : undefined
  if (bytes) {
    if (bytes.length > layout.size) throw new RangeError(`${path}: ${bytes.length} bytes do not fit in ${layout.size}`)
    bytes.copy(buf, offset)
    return
  }
  if (!Array.isArray(value)) throw new TypeError(`${path}: expected an array of up to ${layout.length} elements`)
  if (value.length > layout.length) throw new RangeError(`${path}: ${value.length} elements do not fit in ${layout.length}`)
  const stride = layout.size / layout.length
  value.forEach((element, i) => encodeAt(layout.element, element, buf, offset + i * stride, `${path}[${i}]`))
}

function encodeAt(layout: TypeLayout, value: Encodable, buf: Buffer, offset: number, path: string): void {
  switch (layout.kind) {
    case 'struct':
    case 'union':
      return encodeComposite(layout, value, buf, offset, path, true)
    case 'array':
      return encodeArray(layout, value, buf, offset, path)
    case 'int':
    case 'enum':
    case 'ptr':
      writeBits(buf, offset * 8, layout.size * 8, scalarBits(layout, value, layout.size * 8, path || describe(layout)))
      return
    default:
      if (!Buffer.isBuffer(value) || value.length > layout.size) {
        throw new TypeError(`${path}: expected a Buffer of up to ${layout.size} bytes`)
      }
      value.copy(buf, offset)
  }
}

/**
 * Builds the bytes of a key or value by field name, the inverse of decode(): missing fields and all
 * padding are zero; unknown field names, unknown enumerators and values that do not fit throw.
 * `size` (default the layout's size) allows a larger buffer, e.g. a value slot per CPU.
 */
export function encode(layout: Layout, value: Encodable, size = layout.size): Buffer {
  if (size < layout.size) throw new RangeError(`size ${size} is smaller than ${describe(layout)} (${layout.size} bytes)`)
  const buf = Buffer.alloc(size)
  encodeAt(layout as TypeLayout, value, buf, 0, '')
  return buf
}

/** Finds `name` among a struct's members, looking inside anonymous members; returns it and its bit offset. */
function findMember(layout: CompositeLayout, name: string, bitOffset = 0): {member: MemberLayout; bitOffset: number} | undefined {
  for (const member of layout.members) {
    if (member.name === name) return {member, bitOffset: bitOffset + member.bitOffset}
    if (member.name === '' && (member.type.kind === 'struct' || member.type.kind === 'union')) {
      const found = findMember(member.type, name, bitOffset + member.bitOffset)
      if (found) return found
    }
  }
  return undefined
}

/**
 * The byte offset and size of a field by dotted path, e.g. `hard.word` or `peers[2].addr`.
 * Throws when a step names no member, indexes out of range, or lands on a bitfield.
 */
export function fieldOffset(layout: Layout, path: string): {offset: number; size: number} {
  const steps = path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter((s) => s !== ''))
  let current = layout as TypeLayout
  let offset = 0
  for (const step of steps) {
    if (current.kind === 'array' && /^\d+$/.test(step)) {
      const index = Number(step)
      if (index >= current.length) throw new RangeError(`${path}: index ${index} is beyond the ${current.length} elements`)
      offset += index * (current.size / current.length)
      current = current.element
      continue
    }
    if (current.kind !== 'struct' && current.kind !== 'union') throw new TypeError(`${path}: ${step} is not inside a struct or union`)
    const found = findMember(current, step)
    if (!found) throw new TypeError(`${path}: ${current.kind} ${current.name || '(anonymous)'} has no member ${step}`)
    if (found.member.bitSize > 0 || found.bitOffset % 8 !== 0) throw new TypeError(`${path}: ${step} is a bitfield, not byte-addressable`)
    offset += found.bitOffset / 8
    current = found.member.type
  }
  return {offset, size: current.size}
}
