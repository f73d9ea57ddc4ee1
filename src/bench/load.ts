/**
 * CPU saturation for the "under load" figures: one stress-ng per namespace with a CPU worker per
 * core (stress-ng --cpu 0), so the nodes there compete with busy processes for every core.
 * stress-ng comes from Debian's package of that name (Makefile deps).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {killOnExit} from '../cluster/cleanup.js'
import {nsenterTiedArgs} from '../cluster/shell.js'

const running = new Set<ChildProcess>()
killOnExit(() => [...running].flatMap((child) => (child.pid === undefined ? [] : [child.pid]))) // no busy loops outlive the bench

/** Whether stress-ng is installed. */
export function stressAvailable(): boolean {
  return spawnSync('stress-ng', ['--version'], {stdio: 'ignore'}).status === 0
}

/** A running load; stop() ends it and waits for its workers to exit. */
export interface CpuLoad {
  stop(): Promise<void>
}

/** Saturates every core from inside each of `namespaces` until stop() (or `maxMs`, a safety net). */
export function saturateCpu(namespaces: string[], maxMs: number): CpuLoad {
  const children = namespaces.map((netns) => {
    const child = spawn('nsenter', nsenterTiedArgs(netns, ['stress-ng', '--cpu', '0', '--quiet',
      '--timeout', `${Math.ceil(maxMs / 1000)}s`]), {stdio: 'ignore'})
    running.add(child)
    child.once('exit', () => running.delete(child))
    return child
  })
  return {
    async stop() {
      await Promise.all(children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = once(child, 'exit')
        child.kill('SIGTERM') // stress-ng stops its workers on SIGTERM
        await exited
      }))
    },
  }
}
