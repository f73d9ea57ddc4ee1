/**
 * BpfError: a failed libbpf or kernel call, with the errno code, the call, its target and the
 * libbpf log (verifier output, kernel extack messages), wrapping the addon's error as its cause.
 */
import type {NativeFailure} from './native.js'

/** A libbpf or kernel call that failed. Reads like "attach xdp to eth0: device or resource busy (EBUSY)". */
export class BpfError extends Error {
  /** errno name: 'EBUSY', 'ENOENT', 'EPERM', ... */
  readonly code: string
  readonly errno: number
  /** The libbpf or libc call that failed, e.g. 'bpf_xdp_attach'. */
  readonly op: string
  /** What it acted on: an interface, a pin path, a map or program name. */
  readonly target: string
  /** libbpf and kernel lines printed during the call; for a failed load, the verifier log. */
  readonly log: string[]

  /** `action` says what was being done, e.g. "attach xdp to eth0"; `message` replaces the whole text. */
  constructor(action: string, cause: NativeFailure, message?: string) {
    super(message ?? `${action}: ${cause.reason} (${cause.code})`, {cause})
    this.name = 'BpfError'
    this.code = cause.code
    this.errno = cause.errno
    this.op = cause.op
    this.target = cause.target
    this.log = cause.log
  }
}

/** Whether `error` is the addon's report of a failed call (as opposed to a TypeError for bad arguments). */
export function isNativeFailure(error: unknown): error is NativeFailure {
  const e = error as Partial<NativeFailure> | null
  return error instanceof Error && typeof e?.code === 'string' && typeof e.op === 'string' && Array.isArray(e.log)
}

/** Runs `call`; a native failure is rethrown as a BpfError saying `action`. Other errors pass through. */
export function attempt<T>(action: string, call: () => T): T {
  try {
    return call()
  } catch (error) {
    throw isNativeFailure(error) ? new BpfError(action, error) : error
  }
}

/** attempt() for calls that return a Promise. */
export async function attemptAsync<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw isNativeFailure(error) ? new BpfError(action, error) : error
  }
}
