/**
 * Where an attached raftctl program lives in bpffs: /sys/fs/bpf/raftctl/<iface>/, holding the
 * program, its .rodata (port and cluster id) and the maps pinned by name. Any process (status,
 * maps dump, crash-simulate, a restarted `run`) finds the node's state there.
 *
 * bpffs is shared by every network namespace while interface names are not, so inside a named
 * namespace the directory is /sys/fs/bpf/raftctl/netns-<name>/<iface>/: two nodes'
 * eth0 in two namespaces never share (and overwrite) one term and vote.
 */
import {existsSync, readdirSync, rmSync, rmdirSync, statSync, statfsSync} from 'node:fs'
import {join} from 'node:path'
import {RaftctlError} from '../../errors.js'

export const BPFFS = '/sys/fs/bpf'
export const PIN_BASE = join(BPFFS, 'raftctl')
const BPFFS_MAGIC = 0xcafe4a11

/** The map names of bpf/raftctl.bpf.c, pinned by name. */
export const MAP_NAMES = ['raft_state', 'raft_config', 'raft_peers', 'raft_events', 'raft_stats'] as const
export type MapName = (typeof MAP_NAMES)[number]

const NETNS_PREFIX = 'netns-'

const NAMED_NETNS = '/run/netns'

/**
 * The pin directory of this process's network namespace: its own for a named namespace
 * (`ip netns add`), the shared base otherwise.
 */
export function namespacePinBase(): string {
  const own = statSync('/proc/self/ns/net').ino
  const names = existsSync(NAMED_NETNS) ? readdirSync(NAMED_NETNS) : []
  const name = names.find((n) => statSync(join(NAMED_NETNS, n), {throwIfNoEntry: false})?.ino === own)
  return name ? join(PIN_BASE, `${NETNS_PREFIX}${name}`) : PIN_BASE
}

/** Pin paths of one interface's program. */
export function pinPaths(iface: string) {
  const root = join(namespacePinBase(), iface)
  return {root, program: join(root, 'prog'), rodata: join(root, 'rodata'), map: (name: MapName) => join(root, name)}
}

/** Interfaces of this network namespace that have a raftctl pin directory. */
export function pinnedInterfaces(): string[] {
  const base = namespacePinBase()
  return existsSync(base) ? readdirSync(base).filter((name) => !name.startsWith(NETNS_PREFIX)).sort() : []
}

/** Removes an interface's pins (program, rodata, maps) and its directory, and parents left empty. */
export function removePins(iface: string): void {
  rmSync(pinPaths(iface).root, {recursive: true, force: true})
  for (const dir of [namespacePinBase(), PIN_BASE]) {
    try {
      rmdirSync(dir)
    } catch {
      // not empty (another interface or namespace still pinned) or already gone: keep it
    }
  }
}

/** Throws a clear error unless bpffs is mounted where raftctl pins. */
export function requireBpffs(): void {
  let type: number | undefined
  try {
    type = statfsSync(BPFFS).type
  } catch {
    // missing directory: reported below like an unmounted one
  }
  if (type !== BPFFS_MAGIC) {
    throw new RaftctlError(`bpffs is not mounted at ${BPFFS}; mount it with: mount -t bpf bpf ${BPFFS}`)
  }
}
