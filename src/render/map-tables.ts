/**
 * `raftctl maps dump` as text: a table per map, a one-line summary for a ring buffer. Fields
 * ending in _ktime_ns are shown relative to the monotonic clock, other _ns fields as durations.
 */
import {formatDurationNs, formatKtimeNs} from './format.js'
import type {Cell} from './btf-rows.js'
import type {MapSnapshot} from './map-snapshot.js'
import {gridTable, recordTable, title, type CellText} from './table.js'

/** A cell as text: times relative to `nowNs`, durations with units, the rest as decoded. */
export function displayCell(column: string, cell: Cell, nowNs: bigint): CellText {
  const field = column.split('.').pop() ?? column
  if (typeof cell === 'bigint' || typeof cell === 'number') {
    if (field.endsWith('_ktime_ns')) return formatKtimeNs(BigInt(cell), nowNs)
    if (field.endsWith('_ns')) return formatDurationNs(cell)
  }
  return typeof cell === 'number' ? cell : String(cell)
}

function sizeText(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`
}

/** One map: heading line and table (field | value for a single entry, a row per entry otherwise). */
export function renderMap(map: MapSnapshot, nowNs: bigint = process.hrtime.bigint()): string {
  if (!map.entries) return `${title(map.name)} (${map.type}, ${sizeText(map.maxEntries)}): kernel events are streamed, not stored as entries`
  const count = `${map.entries.length} of ${map.maxEntries} ${map.maxEntries === 1 ? 'entry' : 'entries'}`
  const heading = `${title(map.name)} (${map.type}, ${count})`
  if (map.entries.length === 0) return heading
  if (map.entries.length === 1) {
    return `${heading}\n${recordTable(Object.entries(map.entries[0]).map(([k, v]) => [k, displayCell(k, v, nowNs)]))}`
  }
  const columns = [...new Set(map.entries.flatMap((row) => Object.keys(row)))]
  const rows = map.entries.map((row) => columns.map((c) => (c in row ? displayCell(c, row[c], nowNs) : '')))
  return `${heading}\n${gridTable(columns, rows)}`
}

/** Every map, separated by blank lines. */
export function renderMaps(maps: MapSnapshot[]): string {
  const now = process.hrtime.bigint()
  return maps.map((m) => renderMap(m, now)).join('\n\n')
}
