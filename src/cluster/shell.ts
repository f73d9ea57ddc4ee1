/**
 * The few system tools the harness drives (ip, nft, ethtool), run synchronously with errors that
 * name the command and carry its stderr. Commands inside a namespace go through nsenter, which
 * keeps the host's mounts (NOTES.md: `ip netns exec` remounts /sys and hides bpffs).
 */
import {execFileSync, spawnSync} from 'node:child_process'

/** Runs a command; throws `<command> failed: <stderr>` when it exits non-zero. */
export function sh(command: string, args: string[], input?: string): string {
  try {
    return execFileSync(command, args, {encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000})
  } catch (error) {
    const stderr = String((error as {stderr?: string}).stderr ?? '').trim()
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || (error as Error).message}`, {cause: error})
  }
}

/** Runs a command and ignores failure (cleanup of what may already be gone); true when it worked. */
export function shQuiet(command: string, args: string[]): boolean {
  return spawnSync(command, args, {stdio: 'ignore', timeout: 30_000}).status === 0
}

/** A command's stdout, empty when it fails (probing what may already be gone). */
export function shOutput(command: string, args: string[]): string {
  return spawnSync(command, args, {encoding: 'utf8', timeout: 30_000}).stdout ?? ''
}

/** The nsenter argv prefix that runs a command in a named namespace's network stack. */
export function nsenterArgs(netns: string): string[] {
  return [`--net=/run/netns/${netns}`]
}

/**
 * nsenter's argv that runs `argv` in a named namespace and ties it to the harness: setpriv's
 * parent-death signal makes the kernel kill it when the harness dies without cleaning up (SIGKILL).
 */
export function nsenterTiedArgs(netns: string, argv: string[]): string[] {
  return [...nsenterArgs(netns), 'setpriv', '--pdeathsig', 'KILL', ...argv]
}

/** Runs a command inside a named namespace. */
export function shIn(netns: string, command: string, args: string[], input?: string): string {
  return sh('nsenter', [...nsenterArgs(netns), command, ...args], input)
}

/** Runs `ip` against a namespace (`ip -n` keeps mounts too: it only switches the netlink socket). */
export function ipIn(netns: string, ...args: string[]): string {
  return sh('ip', ['-n', netns, ...args])
}

/** Named namespaces that exist now. */
export function listNamespaces(): string[] {
  const out = spawnSync('ip', ['-j', 'netns', 'list'], {encoding: 'utf8'}).stdout || '[]'
  return (JSON.parse(out) as Array<{name: string}>).map((n) => n.name)
}

/** Process ids inside a named namespace (`ip netns pids`), empty when it is gone. */
export function namespacePids(netns: string): number[] {
  const out = spawnSync('ip', ['netns', 'pids', netns], {encoding: 'utf8'}).stdout ?? ''
  return out.split(/\s+/).filter(Boolean).map(Number)
}
