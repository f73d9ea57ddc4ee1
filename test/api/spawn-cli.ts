/**
 * The real CLI run without blocking this process: spawnSync would freeze the event loop, and
 * with it the API server that the CLI under test talks to from its child process.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {cliCommand, cliEnv, ROOT, type CliOptions, type CliRun} from '../cli/cli.js'

/** A running CLI: its process, what it printed so far, and how it ended. */
export interface RunningCli {
  child: ChildProcess
  stdout(): string
  /** Resolves once stdout matches `pattern` (a RegExp or a test); rejects if the CLI exits first. */
  printed(pattern: RegExp | ((stdout: string) => boolean)): Promise<void>
  done: Promise<CliRun>
}

/** Starts `raftctl args...` (in a namespace with options.netns) and collects its output. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const [command, ...rest] = cliCommand(args, options)
  const child = spawn(command, rest, {cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    for (const check of waiters) check()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (status) => {
      clearTimeout(timer)
      for (const check of waiters) check()
      resolve({status, stdout, stderr})
    })
  })
  const printed = (pattern: RegExp | ((stdout: string) => boolean)) => new Promise<void>((resolve, reject) => {
    const matches = typeof pattern === 'function' ? pattern : (text: string) => pattern.test(text)
    const check = () => {
      if (matches(stdout)) resolve()
      else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`exited before printing ${pattern}:\n${stdout}\n${stderr}`))
      else return
      waiters.delete(check)
    }
    waiters.add(check)
    check()
  })
  return {child, stdout: () => stdout, printed, done}
}

/** Runs `raftctl args...` to completion without blocking the event loop. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done
}
