/** Runs test/helpers/bpf-driver in a child process, optionally inside a network namespace. */
import {spawnSync} from 'node:child_process'
import type {DriverOp, DriverOutcome} from './bpf-driver.js'
import {helperScript} from './paths.js'

export type {DriverOp, DriverOutcome}

/**
 * Runs `ops` in a fresh node process (in `netns` when given, entered with nsenter so that
 * /sys/fs/bpf stays the host's bpffs) and returns one outcome per op. Throws if the process fails.
 */
export function runDriver(ops: DriverOp[], opts: {netns?: string; timeoutMs?: number} = {}): DriverOutcome[] {
  const node = [process.execPath, helperScript('bpf-driver'), JSON.stringify(ops)]
  const [command, ...args] = opts.netns ? ['nsenter', `--net=/run/netns/${opts.netns}`, ...node] : node
  const child = spawnSync(command, args, {encoding: 'utf8', timeout: opts.timeoutMs ?? 20_000})
  if (child.status !== 0) {
    throw new Error(`bpf-driver exited with ${child.status ?? child.signal}: ${child.stderr || child.error?.message}`)
  }
  return JSON.parse(child.stdout) as DriverOutcome[]
}

/** The result of an outcome that must have succeeded. */
export function ok<T = unknown>(outcome: DriverOutcome): T {
  if ('error' in outcome) throw new Error(`expected success, got ${outcome.error.message}`)
  return outcome.ok as T
}

/** The error of an outcome that must have failed. */
export function failed(outcome: DriverOutcome): Extract<DriverOutcome, {error: unknown}>['error'] {
  if (!('error' in outcome)) throw new Error(`expected an error, got ${JSON.stringify(outcome.ok)}`)
  return outcome.error
}
