/**
 * A point-in-time copy of BPF maps, decoded by BTF into flat rows for `raftctl maps dump`:
 * the table's data and, with bigints as strings, its JSON.
 */
import {decode, type BpfMap} from '../bpf/index.js'
import {RaftMaps} from '../dataplane/xdp/maps.js'
import {pinnedInterfaces, requireBpffs, type MapName} from '../dataplane/xdp/pins.js'
import {interfaceExists, requireRoot} from '../dataplane/xdp/program.js'
import {RaftctlError} from '../errors.js'
import {flattenRecord, type Row} from './btf-rows.js'

/** One map as read: its identity and, unless it is a ring buffer, every entry as a row. */
export interface MapSnapshot {
  name: string
  type: string
  maxEntries: number
  keySize: number
  valueSize: number
  /** Key columns first, then value columns; absent for a ring buffer (its records are events, not entries). */
  entries?: Row[]
}

/** Key columns, then value columns; a value column named like a key column gets a `value.` prefix. */
function entryRow(map: BpfMap, key: Buffer, value: Buffer): Row {
  if (!map.keyLayout || !map.valueLayout) {
    throw new RaftctlError(`map ${map.name} has no BTF to decode it by; rebuild the program with: make bpf`)
  }
  const keyRow = flattenRecord(map.keyLayout, decode(map.keyLayout, key), key, 'key')
  const valueRow = flattenRecord(map.valueLayout, decode(map.valueLayout, value), value, 'value')
  const renamed = Object.entries(valueRow).map(([k, v]) => [k in keyRow ? `value.${k}` : k, v])
  return {...keyRow, ...Object.fromEntries(renamed)}
}

/** Reads and decodes one map now, entries in key byte order (hash order changes as the map does). */
export function snapshotMap(map: BpfMap): MapSnapshot {
  const info = {name: map.name, type: map.type, maxEntries: map.maxEntries, keySize: map.keySize, valueSize: map.valueSize}
  if (map.type === 'ringbuf') return info
  const entries = map.entries().sort(([a], [b]) => Buffer.compare(a, b))
  return {...info, entries: entries.map(([key, value]) => entryRow(map, key, value))}
}

/** Reads the maps pinned for `iface` (all of them, or only `only`), closing them again. */
export function readPinnedMaps(iface: string, only?: MapName): MapSnapshot[] {
  const maps = RaftMaps.openPinned(iface)
  try {
    return (only ? [maps.map(only)] : maps.all()).map((m) => snapshotMap(m))
  } finally {
    maps.close()
  }
}

/** The one interface of this network namespace raftctl is attached to, or an error saying what to pass. */
function soleAttachedInterface(): string {
  const here = pinnedInterfaces().filter((iface) => interfaceExists(iface))
  if (here.length === 1) return here[0]
  if (here.length === 0) throw new RaftctlError('raftctl is not attached to any interface here; attach it with: raftctl attach --iface <name>')
  throw new RaftctlError(`raftctl is attached to several interfaces (${here.join(', ')}); choose one with --iface`, {exitCode: 2})
}

/** The interface whose maps to read (`iface`, else the only one attached), once root and bpffs are checked. */
export function dumpTarget(iface: string | undefined): string {
  requireRoot('maps dump')
  requireBpffs()
  return iface ?? soleAttachedInterface()
}
