/**
 * BPF maps: raw CRUD and iteration on Buffers, per-CPU values, pinning, the BTF layouts that
 * decode keys and values by field, and mmap of BPF_F_MMAPABLE arrays for atomic shared words.
 */
import {attempt} from './errors.js'
import type {TypeLayout} from './layout.js'
import {addon, type NativeMap, type NativeMapInfo, type NativeMappedMemory} from './native.js'

/** How update() treats an existing or missing key: BPF_ANY, BPF_NOEXIST, BPF_EXIST. */
export type UpdateFlag = 'any' | 'noexist' | 'exist'

const UPDATE_FLAGS: Record<UpdateFlag, number> = {any: 0, noexist: 1, exist: 2}

/** BPF_F_MMAPABLE from linux/bpf.h. */
export const BPF_F_MMAPABLE = 1 << 10

/**
 * The memory of an mmap'd array map, shared with BPF programs. Every access is atomic and
 * sequentially consistent; offsets are bytes from the first value and must be aligned to the
 * word size. u64 values are bigints.
 */
export type MappedMemory = NativeMappedMemory

/** A BPF map, held through its own file descriptor. */
export class BpfMap {
  /** The full name when it came from an object file, else the kernel's (15 characters at most). */
  readonly name: string
  readonly id: number
  /** libbpf's name for the map type: 'hash', 'array', 'percpu_array', 'ringbuf', ... */
  readonly type: string
  readonly keySize: number
  readonly valueSize: number
  readonly maxEntries: number
  /** map_flags, e.g. BPF_F_MMAPABLE. */
  readonly flags: number
  /** The kernel id of the map's BTF (0 when it has none). */
  readonly btfId: number
  /** Bytes of a lookup result: valueSize, or for a per-CPU map an 8-byte aligned slot per possible CPU. */
  readonly valueBufferSize: number
  /** Whether values are per CPU (lookup returns every CPU's slot; see lookupPerCpu). */
  readonly perCpu: boolean
  private readonly info: NativeMapInfo
  private layouts?: {key?: TypeLayout; value?: TypeLayout}

  /** Wraps a native handle; use BpfObject.map() or BpfMap.openPinned(). */
  constructor(private readonly native: NativeMap) {
    this.info = native.info()
    this.name = this.info.name
    this.id = this.info.id
    this.type = this.info.type
    this.keySize = this.info.keySize
    this.valueSize = this.info.valueSize
    this.maxEntries = this.info.maxEntries
    this.flags = this.info.flags
    this.btfId = this.info.btfId
    this.valueBufferSize = this.info.valueBufferSize
    this.perCpu = this.info.perCpu
  }

  /** Opens the map pinned at `path` (by this or another process). */
  static openPinned(path: string): BpfMap {
    return new BpfMap(attempt(`open pinned map ${path}`, () => addon.Map.openPinned(path)))
  }

  /** The file descriptor; -1 once closed. */
  get fd(): number {
    return this.native.fd
  }

  /** The key's BTF layout, or undefined when the map has no BTF. */
  get keyLayout(): TypeLayout | undefined {
    return this.loadLayouts().key
  }

  /** The value's BTF layout, or undefined when the map has no BTF. */
  get valueLayout(): TypeLayout | undefined {
    return this.loadLayouts().value
  }

  private loadLayouts(): {key?: TypeLayout; value?: TypeLayout} {
    this.layouts ??= attempt(`read the BTF of map ${this.name}`, () => ({
      key: this.native.keyLayout(),
      value: this.native.valueLayout(),
    }))
    return this.layouts
  }

  /**
   * The layout of a struct, union, enum or typedef named `name` in the BTF of the map (or, for a
   * map from a loaded object without BTF of its own such as a ringbuf, of its object).
   */
  findType(name: string): TypeLayout | undefined {
    return attempt(`read the BTF of map ${this.name}`, () => this.native.findType(name))
  }

  /**
   * The value stored under `key` (zero-filled up to keySize), or undefined when there is none.
   * For a per-CPU map it is every CPU's slot back to back (valueBufferSize bytes; see lookupPerCpu).
   */
  lookup(key: Buffer): Buffer | undefined {
    return attempt(`look up a key in map ${this.name}`, () => this.native.lookup(key)) ?? undefined
  }

  /** For a per-CPU map, each possible CPU's value (valueSize bytes each), or undefined. */
  lookupPerCpu(key: Buffer): Buffer[] | undefined {
    if (!this.perCpu) throw new TypeError(`map ${this.name} is a ${this.type} map, not a per-CPU one`)
    const all = this.lookup(key)
    if (!all) return undefined
    const slot = Math.ceil(this.valueSize / 8) * 8
    return Array.from({length: this.info.possibleCpus}, (_, cpu) => all.subarray(cpu * slot, cpu * slot + this.valueSize))
  }

  /** Stores `value` (valueBufferSize bytes) under `key`. */
  update(key: Buffer, value: Buffer, flag: UpdateFlag = 'any'): void {
    attempt(`update map ${this.name}`, () => this.native.update(key, value, UPDATE_FLAGS[flag]))
  }

  /** Deletes `key`; false when it was not there. */
  delete(key: Buffer): boolean {
    return attempt(`delete from map ${this.name}`, () => this.native.delete(key))
  }

  /** Every key, in the kernel's iteration order. */
  keys(): Buffer[] {
    return attempt(`iterate map ${this.name}`, () => this.native.keys())
  }

  /** Every key with its value; keys deleted while iterating are skipped. */
  entries(): Array<[Buffer, Buffer]> {
    const entries: Array<[Buffer, Buffer]> = []
    for (const key of this.keys()) {
      const value = this.lookup(key)
      if (value) entries.push([key, value])
    }
    return entries
  }

  /** Maps the values of a BPF_F_MMAPABLE array into this process, shared with the kernel. */
  mmap(): MappedMemory {
    return attempt(`mmap map ${this.name}`, () => this.native.mmap())
  }

  /** Pins the map at `path` on bpffs, creating missing directories. */
  pin(path: string): void {
    attempt(`pin map ${this.name} at ${path}`, () => this.native.pin(path))
  }

  /** Removes the pin at `path`. */
  unpin(path: string): void {
    attempt(`unpin map ${this.name} from ${path}`, () => this.native.unpin(path))
  }

  /** Closes this handle (the map lives on while pinned or used by a program); idempotent. */
  close(): void {
    this.native.close()
  }
}
