/**
 * The status poller (etcd-poller.ts) seen from the harness: started in a namespace on the cluster's
 * bridge, its lines parsed and handed on, and any way it fails kept for the next wait to report.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {dirname, join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {nsenterArgs} from '../cluster/shell.js'
import {parseStatusLine, type StatusLine} from './etcd-status.js'

const POLLER = join(dirname(fileURLToPath(import.meta.url)), 'etcd-poller.js')
/** Long for one status call (well under 1 ms on an idle bridge), short beside an election timeout. */
const POLL_TIMEOUT_MS = 100

/** A running poller. */
export class PollerProcess {
  /** Why the poller stopped working (it exited, or printed something not a status line), if it did. */
  error?: Error
  private readonly child: ChildProcess
  private stopping = false

  /** Starts polling `urls` (member i + 1 is urls[i]) every `intervalMs` from inside `netns`. */
  constructor(netns: string, urls: string[], intervalMs: number, onLine: (line: StatusLine) => void) {
    // its own process group, as the members: a Ctrl-C reaches only the harness; closing stdin ends it
    this.child = spawn('nsenter', [...nsenterArgs(netns), process.execPath, POLLER, String(intervalMs), String(POLL_TIMEOUT_MS), ...urls],
      {stdio: ['pipe', 'pipe', 'pipe'], detached: true})
    let stderr = ''
    this.child.stderr!.on('data', (chunk) => (stderr += chunk))
    this.child.once('close', (code, signal) => {
      if (!this.stopping) this.error ??= new Error(`the etcd poller exited (${signal ?? `code ${code}`}): ${stderr.trim()}`)
    })
    createInterface({input: this.child.stdout!}).on('line', (text) => {
      try {
        onLine(parseStatusLine(text))
      } catch (error) {
        this.error ??= error as Error
      }
    })
  }

  /** The poller's process id while it runs (nsenter execs node, so it is the poller's own). */
  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined
  }

  /** Ends the poller at once. */
  stop(): void {
    this.stopping = true
    this.child.stdin?.end()
    this.child.kill('SIGKILL')
  }
}
