/**
 * XDP attachment by interface name (netlink, so it outlives this process), and interface
 * name/index lookups in the current network namespace.
 */
import {BpfError, attempt, isNativeFailure} from './errors.js'
import {addon} from './native.js'
import type {BpfProgram} from './program.js'

/** How to attach: the driver's own hook, the generic skb hook, or whichever the kernel picks. */
export type XdpMode = 'native' | 'generic' | 'auto'

/** The mode the kernel reports in force ('multi' when several modes hold programs at once). */
export type XdpAttachMode = 'none' | 'native' | 'generic' | 'offload' | 'multi'

/** What is attached to an interface, as the kernel reports it. */
export interface XdpQuery {
  mode: XdpAttachMode
  /** The attached program in single-program modes; 0 when none (or in multi mode). */
  programId: number
  nativeProgramId: number
  genericProgramId: number
  offloadProgramId: number
}

/** The index of interface `name`; a BpfError with code ENODEV when there is none. */
export function interfaceIndex(name: string): number {
  try {
    return addon.interfaceIndex(name)
  } catch (error) {
    if (isNativeFailure(error) && error.code === 'ENODEV') throw new BpfError('', error, `no such interface ${name} (ENODEV)`)
    throw isNativeFailure(error) ? new BpfError(`look up interface ${name}`, error) : error
  }
}

/** The name of interface `index`, or undefined when there is none. */
export function interfaceName(index: number): string | undefined {
  return addon.interfaceName(index)
}

/**
 * Attaches `prog` to `ifname`. Without `force` an interface that already has a program fails
 * with EBUSY (EEXIST if it is in the other mode); with it, the program is replaced.
 */
export function attachXdp(ifname: string, prog: BpfProgram, opts: {mode: XdpMode; force?: boolean}): void {
  if (prog.fd < 0) throw new Error(`attach xdp to ${ifname}: program ${prog.name} is closed`)
  attempt(`attach xdp to ${ifname}`, () => addon.xdpAttach(ifname, prog.fd, opts.mode, opts.force ?? false))
}

/**
 * Detaches whatever XDP program is on `ifname` in the mode actually in force, or with
 * `expectedProgramId` only that program (atomically: a program that replaced it meanwhile stays).
 * Returns false when nothing, or not that program, was attached.
 */
export function detachXdp(ifname: string, opts: {expectedProgramId?: number} = {}): boolean {
  return attempt(`detach xdp from ${ifname}`, () => addon.xdpDetach(ifname, opts.expectedProgramId))
}

/** What is attached to `ifname` and in which mode, as the kernel reports it. */
export function queryXdp(ifname: string): XdpQuery {
  return attempt(`query xdp on ${ifname}`, () => addon.xdpQuery(ifname))
}
