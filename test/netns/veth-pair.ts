/**
 * Two fresh network namespaces joined by a veth pair, for tests that need real links. Names are
 * unique per process and call, so runs do not collide (bpffs pins are keyed by interface name
 * and bpffs is shared by every namespace). Run commands inside with nsenter, never
 * `ip netns exec`: that remounts /sys, and /sys/fs/bpf with it.
 */
import {execFileSync, spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns} from 'node:child_process'

let created = 0

/** One end of the pair: its namespace, interface and address. */
export interface VethEnd {
  netns: string
  iface: string
  addr: string
}

/** A veth pair between two namespaces; `destroy()` removes both (and so the link) and is idempotent. */
export interface VethPair {
  a: VethEnd
  b: VethEnd
  destroy(): void
}

function ip(...args: string[]): void {
  execFileSync('ip', args, {stdio: ['ignore', 'ignore', 'pipe']})
}

/** Creates namespaces `<tag>a`/`<tag>b` with veth ends 10.77.<subnet>.1/24 and .2/24, both up. */
export function createVethPair(subnet = 0): VethPair {
  const tag = `rc${process.pid.toString(36)}${(created++).toString(36)}`
  const a: VethEnd = {netns: `${tag}-nsa`, iface: `${tag}a`, addr: `10.77.${subnet}.1`}
  const b: VethEnd = {netns: `${tag}-nsb`, iface: `${tag}b`, addr: `10.77.${subnet}.2`}
  const destroy = () => {
    for (const end of [a, b]) spawnSync('ip', ['netns', 'del', end.netns], {stdio: 'ignore'})
  }
  try {
    for (const end of [a, b]) ip('netns', 'add', end.netns)
    ip('link', 'add', a.iface, 'netns', a.netns, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.netns)
    for (const end of [a, b]) {
      ip('-n', end.netns, 'addr', 'add', `${end.addr}/24`, 'dev', end.iface)
      ip('-n', end.netns, 'link', 'set', 'dev', end.iface, 'up')
      ip('-n', end.netns, 'link', 'set', 'dev', 'lo', 'up')
    }
  } catch (error) {
    destroy()
    throw error
  }
  return {a, b, destroy}
}

/** Runs a command inside a namespace's network stack (host mounts kept), waiting for it. */
export function runIn(netns: string, command: string, args: string[], options: Partial<SpawnSyncOptionsWithStringEncoding> = {}): SpawnSyncReturns<string> {
  return spawnSync('nsenter', [`--net=/run/netns/${netns}`, command, ...args], {encoding: 'utf8', timeout: 60_000, ...options})
}

/** Like runIn, but throws with the command's stderr when it fails. */
export function execIn(netns: string, command: string, args: string[]): string {
  const result = runIn(netns, command, args)
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${netns}: ${result.stderr || result.error}`)
  return result.stdout
}
