/**
 * Turns a BTF-decoded map key or value into one flat row of named cells, generically from its
 * layout: nested structs become dotted columns (hard.f.term), a union shows its most detailed
 * member, padding fields (a leading underscore) are left out, and 4-byte address fields are
 * shown as dotted IPv4 read from the raw network-order bytes.
 */
import type {Layout} from '../bpf/index.js'

/** One value of a row: numbers and bigints as decoded, enums by name, addresses dotted. */
export type Cell = number | bigint | string | boolean

/** A flattened record: column (dotted field path) to value. */
export type Row = Record<string, Cell>

type Member = NonNullable<Layout['members']>[number]

const isPadding = (name: string) => name.startsWith('_')
const join = (path: string, name: string) => (path && name ? `${path}.${name}` : path || name)

function leafCount(layout: Layout): number {
  const members = (layout.members ?? []).filter((m) => !isPadding(m.name))
  if (layout.kind === 'struct') return members.reduce((sum, m) => sum + leafCount(m.type), 0)
  if (layout.kind === 'union') return Math.max(0, ...members.map((m) => leafCount(m.type)))
  return 1
}

/** The union member with the most fields: the bitfield view of a packed word rather than the word. */
function richestMember(layout: Layout): Member | undefined {
  const members = (layout.members ?? []).filter((m) => !isPadding(m.name))
  return members.reduce<Member | undefined>((best, m) => (!best || leafCount(m.type) > leafCount(best.type) ? m : best), undefined)
}

function isIpv4(layout: Layout, path: string): boolean {
  const named = /(^|[._])[sd]?addr$/.test(path)
  return layout.kind === 'int' && layout.size === 4 && named && (layout.typedef ?? '__be32') === '__be32'
}

function leaf(layout: Layout, decoded: unknown, raw: Buffer, bitOffset: number, path: string): Cell {
  if (isIpv4(layout, path) && bitOffset % 8 === 0) return [...raw.subarray(bitOffset / 8, bitOffset / 8 + 4)].join('.')
  if (Buffer.isBuffer(decoded)) return decoded.toString('hex')
  if (Array.isArray(decoded)) return decoded.join(', ') // char arrays already decode as strings
  if (['number', 'bigint', 'string', 'boolean'].includes(typeof decoded)) return decoded as Cell
  return String(decoded)
}

function visit(layout: Layout, decoded: unknown, raw: Buffer, bitOffset: number, path: string, row: Row): void {
  const fields = decoded as Record<string, unknown>
  if (layout.kind === 'struct') {
    for (const m of layout.members ?? []) {
      if (isPadding(m.name)) continue
      visit(m.type, m.name ? fields?.[m.name] : decoded, raw, bitOffset + m.bitOffset, join(path, m.name), row)
    }
  } else if (layout.kind === 'union') {
    const m = richestMember(layout)
    if (m) visit(m.type, m.name ? fields?.[m.name] : decoded, raw, bitOffset + m.bitOffset, join(path, m.name), row)
  } else {
    row[path] = leaf(layout, decoded, raw, bitOffset, path)
  }
}

/**
 * Flattens one decoded record. A scalar (a u32 array index) becomes the single column `name`;
 * a struct's fields become columns named by their path.
 */
export function flattenRecord(layout: Layout, decoded: unknown, raw: Buffer, name: string): Row {
  const row: Row = {}
  visit(layout, decoded, raw, 0, layout.kind === 'struct' || layout.kind === 'union' ? '' : name, row)
  return row
}
