/**
 * A fresh network namespace holding one veth pair, for XDP attach tests. The namespace name is
 * unique per process and call; inside it the interface names cannot collide with anything.
 */
import {execFileSync, spawnSync} from 'node:child_process'

let created = 0

/** A namespace with veth ends `a` and `b` (both up); destroy() removes it and is idempotent. */
export interface VethNamespace {
  netns: string
  a: string
  b: string
  destroy(): void
}

function ip(...args: string[]): void {
  execFileSync('ip', args, {stdio: ['ignore', 'ignore', 'pipe']})
}

/** Creates the namespace and the pair; removes what it made if any step fails. */
export function createVethNamespace(): VethNamespace {
  const netns = `rbt${process.pid.toString(36)}${(created++).toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const destroy = () => {
    spawnSync('ip', ['netns', 'del', netns], {stdio: 'ignore'})
  }
  const result: VethNamespace = {netns, a: 'veth-xa', b: 'veth-xb', destroy}
  try {
    ip('netns', 'add', netns)
    ip('-n', netns, 'link', 'add', result.a, 'type', 'veth', 'peer', 'name', result.b)
    for (const iface of [result.a, result.b, 'lo']) ip('-n', netns, 'link', 'set', 'dev', iface, 'up')
  } catch (error) {
    destroy()
    throw error
  }
  return result
}
