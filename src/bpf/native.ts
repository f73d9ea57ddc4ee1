/**
 * The one place that loads the compiled addon (build/Release/raftctl_native.node), and the
 * interface that types everything it exports. The rest of src/bpf wraps this surface; nothing
 * else imports it.
 */
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {TypeLayout} from './layout.js'

/** The shape of every error the addon throws for a failed libbpf or kernel call. */
export interface NativeFailure extends Error {
  /** errno name, e.g. 'EBUSY'. */
  code: string
  errno: number
  /** The failing call, e.g. 'bpf_xdp_attach'. */
  op: string
  /** What it acted on: an interface, a path, a map or program name. */
  target: string
  /** strerror text, or a more precise explanation when the errno alone would mislead. */
  reason: string
  /** libbpf and kernel (verifier, extack) lines printed during the call. */
  log: string[]
}

/** A program handle (native Program). */
export interface NativeProgram {
  readonly name: string
  /** -1 once closed. */
  readonly fd: number
  readonly id: number
  readonly tag: string
  readonly type: string
  pin(path: string): void
  unpin(path: string): void
  testRun(frame: Buffer, repeat: number, ingressIfindex?: number): Promise<{retval: number; data: Buffer; durationNs: number}>
  close(): void
}

/** programInfo(id): the kernel's record of a program; loadedAtMs is wall-clock milliseconds. */
export interface NativeProgramInfo {
  id: number
  name: string
  tag: string
  type: string
  loadedAtMs?: number
  mapIds: number[]
}

/** A map's kernel info (bpf_map_info) plus what the binding derives from it. */
export interface NativeMapInfo {
  name: string
  id: number
  type: string
  keySize: number
  valueSize: number
  maxEntries: number
  flags: number
  btfId: number
  btfKeyTypeId: number
  btfValueTypeId: number
  /** Bytes a lookup returns: valueSize, or an 8-byte aligned slot per possible CPU for per-CPU maps. */
  valueBufferSize: number
  perCpu: boolean
  /** The possible CPUs a per-CPU value has slots for (1 for other maps). */
  possibleCpus: number
}

/**
 * An mmap'd BPF_F_MMAPABLE array (native MappedMemory): atomic loads, stores and compare-and-swap
 * by byte offset, each bounds- and alignment-checked. u64 values are bigints.
 */
export interface NativeMappedMemory {
  /** Bytes of values (value size rounded to 8, times max entries). */
  readonly size: number
  loadU64(offset: number): bigint
  storeU64(offset: number, value: bigint): void
  /** Stores `desired` if the word holds `expected`; returns the value it held (equal to `expected` on success). */
  compareExchangeU64(offset: number, expected: bigint, desired: bigint): bigint
  loadU32(offset: number): number
  storeU32(offset: number, value: number): void
  /** compareExchangeU64 for a 32-bit word. */
  compareExchangeU32(offset: number, expected: number, desired: number): number
  /** Unmaps; idempotent. Any later access throws. */
  close(): void
}

/** A map handle (native Map). */
export interface NativeMap {
  /** -1 once closed. */
  readonly fd: number
  info(): NativeMapInfo
  lookup(key: Buffer): Buffer | null
  /** flags: BPF_ANY 0, BPF_NOEXIST 1, BPF_EXIST 2. */
  update(key: Buffer, value: Buffer, flags: number): void
  delete(key: Buffer): boolean
  keys(): Buffer[]
  pin(path: string): void
  unpin(path: string): void
  mmap(): NativeMappedMemory
  keyLayout(): TypeLayout | undefined
  valueLayout(): TypeLayout | undefined
  findType(name: string): TypeLayout | undefined
  close(): void
}

/** A loaded object (native BpfObject); map() also accepts '.rodata', '.data', '.bss'. */
export interface NativeObject {
  programNames(): string[]
  mapNames(): string[]
  program(name: string): NativeProgram
  map(name: string): NativeMap
  findType(name: string): TypeLayout | undefined
  close(): void
}

/** A ring-buffer consumer (native RingBuffer); records go to the deliver callback it was built with. */
export interface NativeRingBuffer {
  /** Asks for a (null, null, n) delivery once every record submitted so far has been delivered. */
  flush(): void
  /** Keeps the process alive while deliveries are awaited (the consumer is unref'd by default). */
  ref(): void
  unref(): void
  close(): void
}

/** A record; or (null, error) when reading failed; or (null, null, n) when n flush requests are done. */
export type RingBufferDelivery = (record: Buffer | null, error?: NativeFailure | null, flushed?: number) => void

/** xdpQuery(ifname): bpf_xdp_query's view of an interface. */
export interface NativeXdpQuery {
  mode: 'none' | 'native' | 'generic' | 'offload' | 'multi'
  programId: number
  nativeProgramId: number
  genericProgramId: number
  offloadProgramId: number
}

/** Everything raftctl_native.node exports. */
export interface NativeAddon {
  BpfObject: {load(path: string, pinRoot?: string, globals?: Record<string, Buffer>): Promise<NativeObject>}
  Program: {openPinned(path: string): NativeProgram}
  Map: {openPinned(path: string): NativeMap}
  RingBuffer: new (mapFd: number, mapName: string, deliver: RingBufferDelivery) => NativeRingBuffer
  programInfo(id: number): NativeProgramInfo | undefined
  interfaceIndex(name: string): number
  interfaceName(index: number): string | undefined
  xdpAttach(ifname: string, programFd: number, mode: 'native' | 'generic' | 'auto', force: boolean): void
  xdpDetach(ifname: string, expectedProgramId?: number): boolean
  xdpQuery(ifname: string): NativeXdpQuery
}

const ADDON = join('build', 'Release', 'raftctl_native.node')

/** The package root: src/bpf under tsx is two levels below it, dist/src/bpf three. */
function addonPath(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [join(here, '..', '..', ADDON), join(here, '..', '..', '..', ADDON)]
  const found = candidates.find((path) => existsSync(path))
  if (!found) throw new Error(`the raftctl native addon is not built (looked for ${candidates.join(' and ')}); build it with: make native`)
  return found
}

let loaded: NativeAddon | undefined

/**
 * The addon, loaded on first use rather than on import, so that commands which never touch the
 * kernel (help, flag errors) work even where it is not built yet.
 */
export const addon: NativeAddon = new Proxy({} as NativeAddon, {
  get(_target, key) {
    loaded ??= createRequire(import.meta.url)(addonPath()) as NativeAddon
    return loaded[key as keyof NativeAddon]
  },
})
