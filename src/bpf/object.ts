/**
 * BPF object files: open and load through libbpf (off the JS thread), with load-time globals and
 * pinned-map reuse, then hand out the programs and maps they contain.
 */
import {attempt, attemptAsync} from './errors.js'
import type {TypeLayout} from './layout.js'
import {BpfMap} from './map.js'
import {addon, type NativeObject} from './native.js'
import {BpfProgram} from './program.js'

/** How to load an object file. */
export interface LoadOptions {
  /**
   * Directory on bpffs for maps declared with `__uint(pinning, LIBBPF_PIN_BY_NAME)`: a map already
   * pinned there by name is reused (its contents survive), otherwise it is created and pinned
   * there. The directory is created if missing. Without it nothing is pinned (libbpf on its own
   * would pin such maps in /sys/fs/bpf itself and share them with every other such load).
   */
  pinRoot?: string
  /**
   * Initial values of global variables by name (typically `const volatile` configuration in
   * .rodata), each exactly the variable's size in bytes.
   */
  globals?: Record<string, Buffer>
}

/**
 * A loaded BPF object file. The programs and maps it hands out are owned by it: one handle per
 * name, closed by close(). Pin what must outlive it; pins are never removed by close().
 */
export class BpfObject {
  private readonly programHandles = new Map<string, BpfProgram>()
  private readonly mapHandles = new Map<string, BpfMap>()
  private closed = false

  private constructor(private readonly native: NativeObject, readonly path: string) {}

  /** Opens `path`, applies `globals`, creates or reuses pinned maps and loads every program. */
  static async load(path: string, opts: LoadOptions = {}): Promise<BpfObject> {
    const native = await attemptAsync(`load ${path}`, () => addon.BpfObject.load(path, opts.pinRoot, opts.globals))
    return new BpfObject(native, path)
  }

  /** The program called `name` (its function name in the C source). */
  program(name: string): BpfProgram {
    this.requireOpen()
    let program = this.programHandles.get(name)
    if (!program) {
      program = new BpfProgram(attempt(`find program ${name} in ${this.path}`, () => this.native.program(name)))
      this.programHandles.set(name, program)
    }
    return program
  }

  /** The map called `name`; '.rodata', '.data' and '.bss' name the global-variable maps. */
  map(name: string): BpfMap {
    this.requireOpen()
    const cached = this.mapHandles.get(name)
    if (cached) return cached
    const map = new BpfMap(attempt(`find map ${name} in ${this.path}`, () => this.native.map(name)))
    // '.rodata' and 'obj.rodata' name one map: keep one handle under both names.
    const existing = this.mapHandles.get(map.name)
    if (existing) map.close()
    this.mapHandles.set(name, existing ?? map).set(map.name, existing ?? map)
    return existing ?? map
  }

  /** Every program, in object order. */
  get programs(): BpfProgram[] {
    return this.native.programNames().map((name) => this.program(name))
  }

  /** Every map, in object order, including libbpf's global-variable maps (named like 'obj.rodata'). */
  get maps(): BpfMap[] {
    return this.native.mapNames().map((name) => this.map(name))
  }

  /** The layout of a struct, union, enum or typedef named `name` in the object's BTF. */
  findType(name: string): TypeLayout | undefined {
    return this.native.findType(name)
  }

  private requireOpen(): void {
    if (this.closed) throw new Error(`BPF object ${this.path} is closed`)
  }

  /** Closes the object and every program and map handle it gave out; idempotent. Pins stay. */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const handle of new Set([...this.programHandles.values(), ...this.mapHandles.values()])) handle.close()
    this.native.close()
  }
}
