/**
 * One node's processes: `raftctl run` (or a stand-in) inside the node's namespace, started with
 * nsenter so that bpffs pins work (NOTES.md), its output split into log entries; and an API relay
 * (api-relay.ts) so the harness, which lives in another namespace, can call the node's HTTP API.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {request} from 'node:http'
import {dirname, join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {parseNodeLine, type LogEntry} from './events.js'
import {nsenterArgs, nsenterTiedArgs} from './shell.js'

/** How to start one node. */
export interface NodeSpec {
  node: number
  netns: string
  /** The command to run in the namespace: executable, then arguments. */
  argv: string[]
  apiSocket: string
  apiPort: number
}

/** An HTTP answer from a node's API: its status code and parsed JSON body. */
export interface ApiReply {
  status: number
  body: unknown
}

const RELAY = join(dirname(fileURLToPath(import.meta.url)), 'api-relay.js')

/** A node's process, restartable with the same arguments (and so the same state dir). */
export class NodeProcess {
  private child?: ChildProcess
  private relay?: ChildProcess
  private exited?: Promise<void>
  private expectingExit = false
  /** Set when the node exited without being asked to (kill or stop): a crash or a start-up error. */
  failed = false

  constructor(readonly spec: NodeSpec, private readonly onEntry: (entry: LogEntry) => void) {}

  /** The process id of the running node, undefined while it is not running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined
  }

  /** Every process id the harness started for this node (node and relay), for emergency kills. */
  pids(): number[] {
    return [this.child, this.relay].filter((c) => c && c.exitCode === null && c.signalCode === null).map((c) => c!.pid!)
  }

  /**
   * Starts the node (and the relay, once). Each gets its own process group, so a Ctrl-C at the
   * terminal reaches only the harness, which then stops the nodes in order.
   */
  start(): void {
    if (this.pid !== undefined) throw new Error(`n${this.spec.node} is already running (pid ${this.pid})`)
    const child = spawn('nsenter', nsenterTiedArgs(this.spec.netns, this.spec.argv), {
      stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: {...process.env, FORCE_COLOR: '0'},
    })
    this.child = child
    this.follow(child, 'stdout')
    this.follow(child, 'stderr')
    this.expectingExit = false
    this.failed = false
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => {
      this.failed = !this.expectingExit
      this.emit({stream: 'harness', text: `process ${child.pid} exited (${signal ?? `code ${code}`})`})
      resolve()
    }))
    child.once('error', (error) => this.emit({stream: 'harness', text: `cannot start: ${error.message}`}))
    if (!this.relay) this.startRelay()
  }

  /** Sends `signal` and resolves once the node has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.expectingExit = true
    if (this.pid !== undefined) this.child!.kill(signal)
    await this.exited
  }

  /** Asks the node to stop (SIGTERM: it detaches what it attached), then kills it after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.pid === undefined) return
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs)
    await this.kill('SIGTERM')
    clearTimeout(timer)
  }

  /** Stops the relay (closing its stdin ends it). */
  closeRelay(): void {
    this.relay?.stdin?.end()
    this.relay = undefined
  }

  /** Calls the node's HTTP API through the relay; rejects when it does not answer within `timeoutMs`. */
  async api(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 2000): Promise<ApiReply> {
    try {
      return await apiRequest(this.spec.apiSocket, method, path, body, timeoutMs)
    } catch (error) {
      throw new Error(`${method} ${path} on n${this.spec.node}: ${(error as Error).message}`, {cause: error})
    }
  }

  private startRelay(): void {
    const args = [...nsenterArgs(this.spec.netns), process.execPath, RELAY, this.spec.apiSocket, String(this.spec.apiPort)]
    this.relay = spawn('nsenter', args, {stdio: ['pipe', 'ignore', 'inherit'], detached: true})
    this.relay.on('error', () => undefined) // reported by the API calls that then fail
  }

  private follow(child: ChildProcess, stream: 'stdout' | 'stderr'): void {
    createInterface({input: child[stream]!}).on('line', (text) => {
      const line = stream === 'stdout' ? parseNodeLine(text) : undefined
      this.emit(line ? {stream, line} : {stream, text})
    })
  }

  private emit(entry: Omit<LogEntry, 'node' | 'atMs'>): void {
    this.onEntry({node: this.spec.node, atMs: performance.now(), ...entry})
  }
}

/** One HTTP request to a node's API through its relay socket; the body is parsed as JSON when it is JSON. */
export function apiRequest(socketPath: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 2000): Promise<ApiReply> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const headers = payload ? {'content-type': 'application/json', 'content-length': Buffer.byteLength(payload)} : {}
  return new Promise((resolve, reject) => {
    const req = request({socketPath, method, path, timeout: timeoutMs, headers}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: unknown = text
        try {
          parsed = text ? JSON.parse(text) : undefined
        } catch {
          // not JSON: kept as text
        }
        resolve({status: res.statusCode ?? 0, body: parsed})
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(payload)
  })
}
