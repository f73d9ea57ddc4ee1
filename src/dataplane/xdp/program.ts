/**
 * Attaching raftctl's XDP program to an interface and taking it off again, leaving nothing
 * half-done: every failure after the first kernel change undoes what was done.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {
  BpfError,
  BpfObject,
  BpfProgram,
  attachXdp,
  detachXdp,
  interfaceIndex,
  programInfo,
  queryXdp,
  type XdpMode,
} from '../../bpf/index.js'
import {RaftctlError} from '../../errors.js'
import {packageRoot} from '../../package-root.js'
import {RAFT_DEFAULT_PORT} from '../wire.js'
import {withPinLock} from './lock.js'
import {MAP_NAMES, pinPaths, removePins, requireBpffs, requireInterfaceName} from './pins.js'
import {readAttachSettings} from './settings.js'

/** The XDP program's name in bpf/raftctl.bpf.c. */
const RAFT_PROGRAM = 'raft_xdp'

/** What `attach` is asked for. */
export interface AttachOptions {
  iface: string
  mode: XdpMode
  port?: number
  clusterId?: number
  /** Replace whatever XDP program is on the interface. */
  force?: boolean
}

/** What `attach` did. */
export interface AttachResult {
  iface: string
  programId: number
  tag: string
  /** The mode the kernel reports in force, never the one asked for. */
  mode: string
  port: number
  clusterId: number
  pinPath: string
  alreadyAttached: boolean
  warnings: string[]
}

/** The compiled object, rebuilt through the Makefile when a source is newer (or it is missing). */
export function objectPath(): string {
  const root = packageRoot()
  const object = join(root, 'obj', 'raftctl.bpf.o')
  try {
    execFileSync('make', ['-s', '-C', root, 'obj/raftctl.bpf.o'], {stdio: ['ignore', 'ignore', 'pipe']})
  } catch (error) {
    if (existsSync(object)) return object // a read-only install ships the object prebuilt
    const stderr = String((error as {stderr?: Buffer}).stderr ?? '').trim().split('\n').pop()
    throw new RaftctlError(`compile bpf/raftctl.bpf.c: ${stderr || 'make failed'}; install clang and libbpf-dev (make deps)`, {cause: error})
  }
  return object
}

/** Throws a clear error unless this process may load and attach BPF programs. */
export function requireRoot(action: string): void {
  if (process.getuid?.() !== 0) {
    throw new RaftctlError(`${action} needs root (CAP_BPF and CAP_NET_ADMIN); run it with sudo`)
  }
}

/** The one-line error for an interface this network namespace does not have. */
export function noSuchInterface(iface: string, cause?: unknown): RaftctlError {
  return new RaftctlError(`no such interface ${iface} in this network namespace; list interfaces with: ip link`, {cause})
}

/** The index of `iface`, or noSuchInterface. */
export function requireInterface(iface: string): number {
  try {
    return interfaceIndex(iface)
  } catch (error) {
    throw noSuchInterface(iface, error)
  }
}

/** Whether `iface` is a veth (ip -d link), where native XDP_TX needs an XDP program on the peer. */
export function isVeth(iface: string): boolean {
  try {
    const [link] = JSON.parse(execFileSync('ip', ['-d', '-j', 'link', 'show', 'dev', iface], {encoding: 'utf8'}))
    return link?.linkinfo?.info_kind === 'veth'
  } catch {
    return false
  }
}

function describeProgram(id: number): string {
  const info = programInfo(id)
  return info ? `id ${id} "${info.name}"` : `id ${id}`
}

function u16(value: number): Buffer {
  const buf = Buffer.alloc(2)
  buf.writeUInt16LE(value)
  return buf
}

function u32(value: number): Buffer {
  const buf = Buffer.alloc(4)
  buf.writeUInt32LE(value)
  return buf
}

/**
 * Loads raftctl's object with the port and cluster id fixed in its .rodata. With `pinRoot`, maps
 * are reused from and pinned to that directory (created if missing).
 */
export async function loadRaftObject(opts: {pinRoot?: string; port: number; clusterId: number}): Promise<BpfObject> {
  const path = objectPath()
  if (opts.pinRoot) mkdirSync(opts.pinRoot, {recursive: true})
  return BpfObject.load(path, {
    pinRoot: opts.pinRoot,
    globals: {raft_port: u16(opts.port), raft_cluster_id: u32(opts.clusterId)},
  })
}

/** The ids of raftctl programs pinned for the interface: the attached one and one pending attach. */
export function pinnedProgramIds(iface: string): {current?: number; pending?: number} {
  const paths = pinPaths(iface)
  const idAt = (path: string) => {
    if (!existsSync(path)) return undefined
    const program = BpfProgram.openPinned(path)
    try {
      return program.id
    } finally {
      program.close()
    }
  }
  return {current: idAt(paths.program), pending: idAt(paths.pending.program)}
}

/** Makes the pending pins the current ones (bpffs renames atomically). */
function promotePendingPins(iface: string): void {
  const paths = pinPaths(iface)
  renameSync(paths.pending.program, paths.program)
  renameSync(paths.pending.rodata, paths.rodata)
}

/** The settings of an attachment whose pins are all in place, or undefined when some are missing. */
function healthySettings(iface: string) {
  const paths = pinPaths(iface)
  if (!MAP_NAMES.every((name) => existsSync(paths.map(name)))) return undefined
  try {
    return readAttachSettings(iface)
  } catch {
    return undefined
  }
}

/**
 * Loads raftctl's program (reusing the interface's pinned maps, so term and vote survive),
 * attaches it and pins it. Refuses to replace another program unless `force`; also repairs an
 * attachment whose pins were damaged or left half-made by a killed attach.
 */
export async function attachProgram(opts: AttachOptions): Promise<AttachResult> {
  requireInterfaceName(opts.iface)
  requireRoot('attach')
  requireBpffs()
  requireInterface(opts.iface)
  const paths = pinPaths(opts.iface)
  return withPinLock(paths.root, async () => {
    const port = opts.port ?? RAFT_DEFAULT_PORT
    const clusterId = opts.clusterId ?? 0
    const current = queryXdp(opts.iface)
    const pinned = pinnedProgramIds(opts.iface)
    if (current.programId && current.programId === pinned.pending) promotePendingPins(opts.iface) // a killed attach
    const ours = current.programId !== 0 && (current.programId === pinned.current || current.programId === pinned.pending)
    if (ours) {
      const settings = healthySettings(opts.iface)
      const same = settings?.port === port && settings?.clusterId === clusterId
      if (same && (opts.mode === 'auto' || opts.mode === current.mode)) {
        const info = programInfo(current.programId)
        return {iface: opts.iface, programId: current.programId, tag: info?.tag ?? '', mode: current.mode, port, clusterId,
          pinPath: paths.root, alreadyAttached: true, warnings: []}
      }
      if (!opts.force) {
        const what = settings ? `${current.mode} mode, port ${settings.port}, cluster id ${settings.clusterId}` : 'its pins are damaged'
        throw new RaftctlError(`raftctl is already attached to ${opts.iface} (${what}); pass --force to replace it ` +
          `or run: raftctl detach --iface ${opts.iface}`)
      }
    } else if (current.programId && !opts.force) {
      throw new RaftctlError(`another XDP program is attached to ${opts.iface} (${describeProgram(current.programId)}, ` +
        `${current.mode} mode); pass --force to replace it or remove it with: ${removalCommand(opts.iface, current.mode)}`)
    }
    return loadAndAttach({...opts, force: opts.force || ours}, port, clusterId)
  })
}

/** The ip(8) command that takes off a program attached in `mode`. */
function removalCommand(iface: string, mode: string): string {
  const keyword = mode === 'generic' ? 'xdpgeneric' : mode === 'native' ? 'xdpdrv' : 'xdp'
  return `ip link set dev ${iface} ${keyword} off`
}

/*
 * Order matters for a kill -9 at any point: maps are pinned by the load, the new program and
 * .rodata under pending names, then attached, then renamed into place. Whatever step a killed
 * attach reached, the next attach or detach finds every raftctl program by its pins.
 */
async function loadAndAttach(opts: AttachOptions, port: number, clusterId: number): Promise<AttachResult> {
  const paths = pinPaths(opts.iface)
  const freshPins = !existsSync(paths.root)
  let loaded: BpfObject | undefined
  try {
    loaded = await loadRaftObject({pinRoot: paths.root, port, clusterId})
    const program = loaded.program(RAFT_PROGRAM)
    for (const path of [paths.pending.program, paths.pending.rodata]) rmSync(path, {force: true})
    program.pin(paths.pending.program)
    rodataMap(loaded).pin(paths.pending.rodata)
    attachReplacing(opts, program)
    promotePendingPins(opts.iface)
    const mode = queryXdp(opts.iface).mode
    const warnings = mode === 'native' && isVeth(opts.iface)
      ? [`native XDP_TX on a veth drops replies unless the peer of ${opts.iface} has an XDP program too ` +
        '(an XDP_PASS one is enough); if it has none, attach one there or use --mode generic']
      : []
    return {iface: opts.iface, programId: program.id, tag: program.tag, mode, port, clusterId,
      pinPath: paths.root, alreadyAttached: false, warnings}
  } catch (error) {
    for (const path of [paths.pending.program, paths.pending.rodata]) rmSync(path, {force: true})
    if (freshPins) removePins(opts.iface)
    throw attachError(opts, error)
  } finally {
    loaded?.close()
  }
}

/**
 * Attaches, and with `force` also across modes: the kernel refuses a native program while a
 * generic one is attached (EEXIST) and the reverse, so the old one is taken off first and, if
 * the new attach still fails and the old one was raftctl's, put back as it was.
 */
function attachReplacing(opts: AttachOptions, program: BpfProgram): void {
  try {
    attachXdp(opts.iface, program, {mode: opts.mode, force: opts.force})
  } catch (error) {
    if (!opts.force || !(error instanceof BpfError) || error.code !== 'EEXIST') throw error
    const previous = queryXdp(opts.iface)
    detachXdp(opts.iface)
    try {
      attachXdp(opts.iface, program, {mode: opts.mode, force: true})
    } catch (retryError) {
      restoreOurs(opts.iface, previous.mode)
      throw retryError
    }
  }
}

/** Re-attaches the pinned raftctl program in `mode` after a failed replacement, if there is one. */
function restoreOurs(iface: string, mode: string): void {
  const path = pinPaths(iface).program
  if (!existsSync(path) || (mode !== 'native' && mode !== 'generic')) return
  const previous = BpfProgram.openPinned(path)
  try {
    attachXdp(iface, previous, {mode, force: true})
  } finally {
    previous.close()
  }
}

function rodataMap(object: BpfObject) {
  const map = object.maps.find((m) => m.name.endsWith('.rodata'))
  if (!map) throw new RaftctlError('the raftctl object has no .rodata section; rebuild it with: make bpf')
  return map
}

function attachError(opts: AttachOptions, error: unknown): Error {
  if (!(error instanceof BpfError)) return error as Error
  const detail = error.log.filter((line) => /error|invalid|not supported|unsupported/i.test(line)).pop()
  const hint: Record<string, string> = {
    EBUSY: 'another XDP program is attached; pass --force to replace it',
    EEXIST: 'a program is attached in the other XDP mode; detach it first or use the same --mode',
    EOPNOTSUPP: `the driver of ${opts.iface} has no native XDP; use --mode generic`,
    EPERM: 'run as root with CAP_BPF and CAP_NET_ADMIN',
    EINVAL: 'the kernel refused the program; raftctl needs Linux 5.10 or newer with BPF ring buffers',
  }
  const how = hint[error.code] ?? 'see the cause above'
  return new RaftctlError(`${error.message}${detail ? ` (${detail.trim()})` : ''}; ${how}`, {cause: error})
}

/** What `detach` did: whether a program was taken off and whether pins were removed. */
export interface DetachResult {
  iface: string
  detached: boolean
  unpinned: boolean
}

/**
 * Takes raftctl's program off the interface (only ours: another program is left alone) and
 * removes its pins, and with them the node's term and vote. Idempotent.
 */
export async function detachProgram(iface: string): Promise<DetachResult> {
  requireInterfaceName(iface)
  requireRoot('detach')
  requireBpffs()
  const paths = pinPaths(iface)
  return withPinLock(paths.root, () => {
    const unpinned = existsSync(paths.root)
    const exists = interfaceExists(iface)
    if (!exists && !unpinned) throw new RaftctlError(`no such interface ${iface}, and nothing pinned for it; list interfaces with: ip link`)
    const pinned = pinnedProgramIds(iface)
    const ids = [pinned.current, pinned.pending]
    // raftctl's program whose pins were lost (removed by hand, or pinned in a throwaway bpffs)
    const attached = exists ? queryXdp(iface).programId : 0
    if (attached && !unpinned && programInfo(attached)?.name === RAFT_PROGRAM) ids.push(attached)
    let detached = false
    for (const id of ids) {
      if (id !== undefined && exists) detached = detachXdp(iface, {expectedProgramId: id}) || detached
    }
    removePins(iface)
    return {iface, detached, unpinned}
  })
}

/** Whether the interface exists in this network namespace. */
export function interfaceExists(iface: string): boolean {
  try {
    interfaceIndex(iface)
    return true
  } catch {
    return false
  }
}
