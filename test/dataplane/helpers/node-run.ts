/**
 * One `raftctl run --log-format json` process inside a network namespace (nsenter, so pins work),
 * with its NDJSON lines parsed as they arrive.
 */
import {join} from 'node:path'
import {packageRoot} from '../../../src/package-root.js'
import {waitFor} from '../../helpers/waiting.js'
import {spawnLines} from './process-target.js'
import type {LogLine} from './sides.js'

/** A running node process. */
export interface NodeRun {
  lines: LogLine[]
  stderr(): string
  exited: Promise<number | null>
  kill(signal?: NodeJS.Signals): void
}

/** Starts `raftctl run args...` in `netns`; resolves on its 'started' line, or fails with its stderr. */
export async function startRun(netns: string, args: string[]): Promise<NodeRun> {
  const run = runIn(netns, args)
  await waitFor('raftctl run to start', () => run.lines.some((l) => l.kind === 'started') || run.exitCode() !== null, 20_000)
  if (!run.lines.some((l) => l.kind === 'started')) throw new Error(`raftctl run exited ${run.exitCode()}: ${run.stderr()}`)
  return run
}

/** Spawns `raftctl run args...` in `netns` without waiting for anything. */
export function runIn(netns: string, args: string[]): NodeRun & {exitCode(): number | null} {
  const lines: LogLine[] = []
  const proc = spawnLines(['nsenter', `--net=/run/netns/${netns}`, process.execPath, join(packageRoot(), 'bin', 'run.js'), 'run', ...args],
    (line) => {
      try {
        lines.push(JSON.parse(line))
      } catch {
        lines.push({kind: 'not-json', role: '', term: '', source: '', message: line})
      }
    })
  return {
    lines,
    stderr: proc.stderr,
    exited: proc.exited,
    exitCode: () => proc.child.exitCode,
    kill: (signal = 'SIGTERM') => void proc.child.kill(signal),
  }
}
