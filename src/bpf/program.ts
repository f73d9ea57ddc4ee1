/**
 * BPF programs: handles from a loaded object or a pin, pinning, prog test-run, and the kernel's
 * record of any program by id (for status displays).
 */
import {attempt, attemptAsync} from './errors.js'
import {addon, type NativeProgram} from './native.js'

/** Options of a prog test-run. */
export interface TestRunOptions {
  /** Runs of the program on the same buffer (default 1); in-place rewrites pile up, so assert with 1. */
  repeat?: number
  /** Sets xdp_md.ingress_ifindex; the interface must exist in this network namespace. */
  ingressIfindex?: number
}

/** What a test-run returned. */
export interface TestRunResult {
  /** The program's return value (for XDP: XDP_ABORTED 0, DROP 1, PASS 2, TX 3, REDIRECT 4). */
  retval: number
  /** The frame as the program left it. */
  data: Buffer
  /** Average nanoseconds per run. */
  durationNs: number
}

/** A loaded BPF program, held through its own file descriptor. */
export class BpfProgram {
  /** The full name from the object file (the kernel keeps only 15 characters). */
  readonly name: string
  /** The kernel's id for it. */
  readonly id: number
  /** The kernel's tag (hash of the instructions) as 16 hex digits. */
  readonly tag: string
  /** The program type, e.g. 'xdp'. */
  readonly type: string

  /** Wraps a native handle; use BpfObject.program() or BpfProgram.openPinned(). */
  constructor(private readonly native: NativeProgram) {
    this.name = native.name
    this.id = native.id
    this.tag = native.tag
    this.type = native.type
  }

  /** Opens the program pinned at `path` (by this or another process). */
  static openPinned(path: string): BpfProgram {
    return new BpfProgram(attempt(`open pinned program ${path}`, () => addon.Program.openPinned(path)))
  }

  /** The file descriptor, for attaching; -1 once closed. */
  get fd(): number {
    return this.native.fd
  }

  /** Pins the program at `path` on bpffs, creating missing directories. */
  pin(path: string): void {
    attempt(`pin program ${this.name} at ${path}`, () => this.native.pin(path))
  }

  /** Removes the pin at `path` (the program lives on while attached or otherwise referenced). */
  unpin(path: string): void {
    attempt(`unpin program ${this.name} from ${path}`, () => this.native.unpin(path))
  }

  /** Runs the program on `frame` in the kernel (BPF_PROG_TEST_RUN); map side effects are real. */
  async testRun(frame: Buffer, opts: TestRunOptions = {}): Promise<TestRunResult> {
    const repeat = opts.repeat ?? 1
    if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`repeat must be a positive integer, not ${repeat}`)
    return attemptAsync(`test-run program ${this.name}`, () => this.native.testRun(frame, repeat, opts.ingressIfindex))
  }

  /** Closes this handle; idempotent. */
  close(): void {
    this.native.close()
  }
}

/** What the kernel reports about a loaded program. */
export interface ProgramInfo {
  id: number
  /** As the kernel keeps it: at most 15 characters. */
  name: string
  tag: string
  type: string
  loadedAt?: Date
  mapIds: number[]
}

/** The kernel's record of program `id`, or undefined when no such program is loaded. */
export function programInfo(id: number): ProgramInfo | undefined {
  const info = attempt(`read info of program ${id}`, () => addon.programInfo(id))
  if (!info) return undefined
  const {loadedAtMs, ...rest} = info
  return loadedAtMs === undefined ? rest : {...rest, loadedAt: new Date(loadedAtMs)}
}
