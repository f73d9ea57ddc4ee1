/**
 * Stable storage of rule 8: the node's term, vote and (xdp) kernel term limit in one small JSON file,
 * replaced atomically (write a temporary file, fsync it, rename it over, fsync the directory) so a
 * crash at any moment leaves either the old or the new state, never a torn one.
 */
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'
import {namespacePinBase, PIN_BASE} from '../dataplane/xdp/pins.js'
import {RaftctlError} from '../errors.js'

/** Where state directories live unless --state-dir says otherwise. */
export const STATE_BASE = '/var/lib/raftctl'

/** What survives a restart of the node. */
export interface DurableState {
  term: bigint
  votedFor: number
  /**
   * xdp: the highest term the kernel may adopt (and vote in) without Node having persisted it
   * first; 0n when there is none (userspace, which persists every vote before sending it).
   */
  termLimit: bigint
}

/** Stable storage of one node: the runtime writes it before sending what depends on it. */
export interface DurableStore {
  /** The last saved state, or undefined on the node's first boot. */
  load(): DurableState | undefined
  /** Saves durably; returns only once the state would survive a power loss. */
  save(state: DurableState): void
}

/**
 * The default state directory of a node on `iface`: /var/lib/raftctl/<iface>, or, inside a named
 * network namespace, /var/lib/raftctl/netns-<name>/<iface> (interface names repeat across namespaces).
 */
export function defaultStateDir(iface: string): string {
  return join(STATE_BASE, relative(PIN_BASE, namespacePinBase()), iface)
}

/** The state file `state.json` in a state directory, belonging to one node id. */
/**
 * mkdir -p one level at a time: Node's recursive mkdir spins forever, deaf to signals, where a
 * parent exists but mkdir answers ENOENT (e.g. under /proc); here any such error is reported.
 */
function makeDirectories(dir: string): void {
  const parts = resolve(dir).split('/').filter(Boolean)
  for (let i = 1; i <= parts.length; i++) {
    try {
      mkdirSync(`/${parts.slice(0, i).join('/')}`)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

export class StateFile implements DurableStore {
  readonly path: string

  constructor(readonly dir: string, private readonly nodeId: number) {
    this.path = join(dir, 'state.json')
  }

  load(): DurableState | undefined {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new RaftctlError(`read the state file ${this.path}: ${(error as Error).message}`, {cause: error})
    }
    let raw: {nodeId?: unknown; term?: unknown; votedFor?: unknown; termLimit?: unknown}
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw this.corrupt('it is not JSON', error)
    }
    if (raw.nodeId !== this.nodeId) {
      throw new RaftctlError(`the state file ${this.path} belongs to node n${raw.nodeId}, not n${this.nodeId}; ` +
        'give this node its own --state-dir (its votes are recorded by node id)', {exitCode: 2})
    }
    const digits = (v: unknown) => typeof v === 'string' && /^\d+$/.test(v)
    if (!digits(raw.term) || !digits(raw.termLimit) || !Number.isInteger(raw.votedFor) || (raw.votedFor as number) < 0) {
      throw this.corrupt('a field is missing or malformed')
    }
    return {term: BigInt(raw.term as string), votedFor: raw.votedFor as number, termLimit: BigInt(raw.termLimit as string)}
  }

  save(state: DurableState): void {
    const body = JSON.stringify({nodeId: this.nodeId, term: String(state.term), votedFor: state.votedFor,
      termLimit: String(state.termLimit)}) + '\n'
    const temporary = `${this.path}.tmp`
    try {
      makeDirectories(this.dir)
      const fd = openSync(temporary, 'w', 0o600)
      try {
        writeSync(fd, body)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      renameSync(temporary, this.path)
      const dirFd = openSync(this.dir, 'r') // the rename itself is durable only once the directory is synced
      try {
        fsyncSync(dirFd)
      } finally {
        closeSync(dirFd)
      }
    } catch (error) {
      throw new RaftctlError(`write the state file ${this.path}: ${(error as Error).message}; ` +
        'the node stops rather than send a vote it could forget', {cause: error})
    }
  }

  private corrupt(why: string, cause?: unknown): RaftctlError {
    return new RaftctlError(`the state file ${this.path} is corrupt (${why}); restore it, or remove it only if ` +
      'this node may forget its votes (then its term restarts at 0)', {cause})
  }
}
