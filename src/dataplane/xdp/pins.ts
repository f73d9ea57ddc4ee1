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
/** The inode of the initial network namespace on Linux 6.x (PROC_NET_INIT_INO). */
const INIT_NETNS_INO = 0xeffffff9

/** The initial namespace's inode: fixed on recent kernels, else read from pid 1 (when allowed). */
function isInitialNamespace(ino: number): boolean {
  if (ino === INIT_NETNS_INO) return true
  try {
    return statSync('/proc/1/ns/net').ino === ino
  } catch {
    return false
  }
}

/**
 * The pin directory of this process's network namespace: the base in the initial namespace,
 * netns-<name> in a named one (`ip netns add`), netns-ino<inode> in an unnamed one.
 */
export function namespacePinBase(): string {
  const own = statSync('/proc/self/ns/net').ino
  if (isInitialNamespace(own)) return PIN_BASE
  const names = existsSync(NAMED_NETNS) ? readdirSync(NAMED_NETNS) : []
  const name = names.find((n) => statSync(join(NAMED_NETNS, n), {throwIfNoEntry: false})?.ino === own)
  return join(PIN_BASE, `${NETNS_PREFIX}${name ?? `ino${own}`}`)
}

/**
 * Throws unless `iface` could be a Linux interface name (dev_valid_name: 1-15 bytes, not . or ..,
 * no slash, colon, whitespace or NUL). It becomes a path under bpffs, so this also keeps every
 * pin operation inside raftctl's own directory.
 */
export function requireInterfaceName(iface: string): void {
  const valid = iface.length > 0 && Buffer.byteLength(iface) <= 15 && iface !== '.' && iface !== '..' &&
    !/[/:\s\0]/.test(iface) && !iface.startsWith(NETNS_PREFIX)
  if (!valid) {
    throw new RaftctlError(`"${iface}" is not an interface name (1-15 characters, no / : or spaces, ` +
      `not . or .., not starting with ${NETNS_PREFIX}); list interfaces with: ip link`, {exitCode: 2})
  }
}

/** Pin paths of one interface's program. */
export function pinPaths(iface: string) {
  requireInterfaceName(iface)
  const root = join(namespacePinBase(), iface)
  return {
    root,
    program: join(root, 'prog'),
    rodata: join(root, 'rodata'),
    /** Where a new program is pinned before it is attached, so a kill midway leaves it findable
     * (bpffs refuses names with a dot). */
    pending: {program: join(root, 'prog_new'), rodata: join(root, 'rodata_new')},
    map: (name: MapName) => join(root, name),
  }
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
    throw new RaftctlError(`bpffs is not mounted at ${BPFFS}; mount it with: mount -t bpf bpf ${BPFFS} ` +
      '(inside `ip netns exec`, which remounts /sys, run raftctl with nsenter --net=/run/netns/NAME instead)')
  }
}
