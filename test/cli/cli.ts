/**
 * Runs the real CLI (bin/run.js) in a child process, optionally inside a network namespace or
 * as user nobody, and inspects what it leaves in the kernel: pins and XDP attachments.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {packageRoot} from '../../src/package-root.js'

/** The root of the checkout, where bin/run.js lives. */
export const ROOT = packageRoot()
/** Where raftctl pins; shared by every network namespace (named ones in a netns-<name> dir). */
export const PIN_BASE = '/sys/fs/bpf/raftctl'

/** The pin directory raftctl uses for `iface` inside the named network namespace. */
export function pinDir(netns: string, iface: string): string {
  return join(PIN_BASE, `netns-${netns}`, iface)
}

/** What one CLI run printed and how it ended. */
export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** How to run the CLI: in a namespace (nsenter), as nobody (setpriv), or under a wrapper command. */
export interface CliOptions {
  netns?: string
  asNobody?: boolean
  timeoutMs?: number
}

/** The argv that runs `raftctl args...` with `options`. */
export function cliCommand(args: string[], options: CliOptions = {}): string[] {
  let argv = [process.execPath, join(ROOT, 'bin', 'run.js'), ...args]
  // CAP_DAC_READ_SEARCH alone lets nobody read the checkout wherever CI cloned it (say under /root).
  if (options.asNobody) {
    argv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+dac_read_search',
      '--ambient-caps=+dac_read_search', ...argv]
  }
  if (options.netns) argv = ['nsenter', `--net=/run/netns/${options.netns}`, ...argv]
  return argv
}

/** Environment of a CLI run: no colour forced, a HOME that nobody may use. */
export function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, HOME: tmpdir()}
  delete env.FORCE_COLOR
  return env
}

/** Runs raftctl to completion. */
export function raftctl(args: string[], options: CliOptions = {}): CliRun {
  const [command, ...rest] = cliCommand(args, options)
  const result = spawnSync(command, rest, {cwd: ROOT, encoding: 'utf8', env: cliEnv(), timeout: options.timeoutMs ?? 60_000})
  if (result.error) throw result.error
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

/** Parses the JSON a `--json` run printed, failing with its output when it is not JSON. */
export function jsonOf<T = unknown>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T
  } catch {
    throw new Error(`expected JSON on stdout, got:\n${run.stdout}\nstderr:\n${run.stderr}`)
  }
}

/** Whether raftctl left a pin directory for `iface`, in any network namespace. */
export function hasPins(iface: string): boolean {
  if (!existsSync(PIN_BASE)) return false
  const bases = [PIN_BASE, ...readdirSync(PIN_BASE).filter((d) => d.startsWith('netns-')).map((d) => join(PIN_BASE, d))]
  return bases.some((base) => existsSync(join(base, iface)))
}

/** The id and mode of the XDP program on an interface (in a namespace), id 0 when none. */
export function xdpOn(netns: string, iface: string): {id: number; mode?: string} {
  const out = execFileSync('ip', ['-n', netns, '-j', '-d', 'link', 'show', 'dev', iface], {encoding: 'utf8'})
  const xdp = (JSON.parse(out)[0]?.xdp ?? {}) as {mode?: number; prog?: {id: number}; attached?: {prog: {id: number}}[]}
  const id = xdp.prog?.id ?? xdp.attached?.[0]?.prog.id ?? 0
  return {id, mode: id ? ['none', 'native', 'generic', 'offload', 'multi'][xdp.mode ?? 0] : undefined}
}

let fixture: string | undefined

/** test/cli/fixtures/pass.bpf.c compiled once per process: an XDP program named cli_test_pass. */
export function passProgramObject(): string {
  if (fixture) return fixture
  const out = join(mkdtempSync(join(tmpdir(), 'raftctl-cli-')), 'pass.bpf.o')
  const arch = execFileSync('gcc', ['-dumpmachine'], {encoding: 'utf8'}).trim()
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', `-I/usr/include/${arch}`, '-c',
    join(ROOT, 'test', 'cli', 'fixtures', 'pass.bpf.c'), '-o', out])
  return (fixture = out)
}

/** Attaches the pass fixture to an interface in a namespace, in xdpgeneric or xdpdrv mode. */
export function attachPassProgram(netns: string, iface: string, mode: 'xdpgeneric' | 'xdpdrv'): number {
  execFileSync('ip', ['-n', netns, 'link', 'set', 'dev', iface, mode, 'obj', passProgramObject(), 'sec', 'xdp'])
  return xdpOn(netns, iface).id
}
