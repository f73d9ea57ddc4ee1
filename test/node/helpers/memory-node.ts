/**
 * Node runtimes on a MemoryNetwork and a fake clock, with everything a test wants to look at:
 * the order of saves and sends, the NDJSON log lines, the dataplane, and wire-level test peers.
 */
import type {PeerAddress} from '../../../src/dataplane/dataplane.js'
import {MemoryDataplane, MemoryNetwork} from '../../../src/dataplane/memory.js'
import {decodeMessage, encodeMessage, type WireMessage} from '../../../src/dataplane/wire.js'
import {attachLogger} from '../../../src/node/logger.js'
import {NodeRuntime} from '../../../src/node/runtime.js'
import type {DurableState, DurableStore} from '../../../src/node/state-file.js'
import type {Message, MemoryHardStateStore} from '../../../src/raft/index.js'
import {FakeClock} from './fake-clock.js'

export const CLUSTER_ID = 7

/** One thing a node did, in order: saved its state, sent a message, or told the kernel a term limit. */
export type Op = {op: 'save'; state: DurableState} | {op: 'send'; message: Message} | {op: 'limit'; limit: bigint}

/** Stable storage in memory that records every save (and can be made to fail). */
export class RecordingStore implements DurableStore {
  readonly saves: DurableState[] = []
  failing = false

  constructor(private readonly ops: Op[], public current?: DurableState) {}

  load(): DurableState | undefined {
    return this.current && {...this.current}
  }

  save(state: DurableState): void {
    if (this.failing) throw new Error('write the state file: no space left on device')
    this.current = {...state}
    this.saves.push({...state})
    this.ops.push({op: 'save', state: {...state}})
  }
}

/** One node under test. */
export interface TestNode {
  id: number
  addr: string
  runtime: NodeRuntime
  dataplane: MemoryDataplane
  durable: RecordingStore
  ops: Op[]
  /** Its NDJSON log, parsed. */
  lines: Array<Record<string, unknown>>
}

/** How to build a node. */
export interface NodeSpec {
  network: MemoryNetwork
  clock: FakeClock
  self: PeerAddress
  members: PeerAddress[]
  /** Play the XDP program (kind 'xdp'). */
  kernel?: boolean
  saved?: DurableState
  /** Pinned maps surviving a process restart. */
  store?: MemoryHardStateStore
  random?: () => number
  crashAfterHeartbeats?: number
  heartbeatIntervalMs?: number
  electionTimeoutMinMs?: number
}

/** Members 1..n at 10.0.0.1..n. */
export function members(n: number): PeerAddress[] {
  return Array.from({length: n}, (_, i) => ({id: i + 1, addr: `10.0.0.${i + 1}`}))
}

/** Builds (does not start) a runtime on the memory network, recording its ops and log lines. */
export function memoryNode(spec: NodeSpec): TestNode {
  const ops: Op[] = []
  const durable = new RecordingStore(ops, spec.saved)
  const dataplane = new MemoryDataplane({iface: 'mem0', self: spec.self, members: spec.members, learners: [], port: 5405,
    clusterId: CLUSTER_ID, network: spec.network, answerInKernel: spec.kernel, store: spec.store, clock: () => spec.clock.now()})
  const send = dataplane.send.bind(dataplane)
  dataplane.send = (to, message) => {
    ops.push({op: 'send', message})
    send(to, message)
  }
  const setTermLimit = dataplane.setTermLimit.bind(dataplane)
  dataplane.setTermLimit = (limit) => {
    ops.push({op: 'limit', limit})
    setTermLimit(limit)
  }
  const runtime = new NodeRuntime({dataplane, self: spec.self, members: spec.members, durable, scheduler: spec.clock,
    heartbeatIntervalMs: spec.heartbeatIntervalMs ?? 50, electionTimeoutMinMs: spec.electionTimeoutMinMs ?? 150,
    random: spec.random ?? (() => 0.5), crashAfterHeartbeats: spec.crashAfterHeartbeats})
  const lines: Array<Record<string, unknown>> = []
  attachLogger(runtime, {format: 'json', write: (line) => lines.push(JSON.parse(line)), color: false})
  return {id: spec.self.id, addr: spec.self.addr, runtime, dataplane, durable, ops, lines}
}

/**
 * A wire-level peer on the memory network: sends raw messages, records what it receives. Unless told
 * otherwise it grants every PreVoteRequest (a member that has heard no leader, thesis §9.6), so the
 * node under test goes on to campaign as it would without PreVote.
 */
export class WirePeer {
  readonly received: WireMessage[] = []
  private readonly endpoint

  constructor(network: MemoryNetwork, readonly peer: PeerAddress, private readonly nodeAddr: string, grantPreVotes = true) {
    this.endpoint = network.listen(peer.addr, (bytes) => {
      const m = decodeMessage(bytes)
      if (!m) return
      this.received.push(m)
      if (grantPreVotes && m.type === 'PreVoteRequest') this.send({type: 'PreVoteResponse', term: m.term - 1n, flag: true, echo: m.echo})
    })
  }

  /** Sends a message from this peer (its id and cluster id unless overridden). */
  send(m: Partial<WireMessage> & Pick<WireMessage, 'type' | 'term'>): void {
    this.endpoint.send(this.nodeAddr, encodeMessage({flag: false, clusterId: CLUSTER_ID, senderId: this.peer.id, echo: 0n, ...m}))
  }

  /** Received messages of one type. */
  of(type: WireMessage['type']): WireMessage[] {
    return this.received.filter((m) => m.type === type)
  }

  close(): void {
    this.endpoint.close()
  }
}

/** A network on the fake clock with 1 ms latency. */
export function fakeNetwork(clock: FakeClock): MemoryNetwork {
  return new MemoryNetwork({schedule: clock.schedule, latencyMs: 1})
}

/** Lines of one kind. */
export function linesOf(node: TestNode, kind: string): Array<Record<string, unknown>> {
  return node.lines.filter((l) => l.kind === kind)
}

/**
 * The safety properties over every node's lines (SCENARIOS.md): at most one leader per term,
 * and per node and source, terms never decrease. Returns the violations found.
 */
export function safetyViolations(nodes: TestNode[]): string[] {
  const leaders = new Map<string, number>()
  const violations: string[] = []
  for (const node of nodes) {
    const last = new Map<string, bigint>()
    for (const line of node.lines) {
      const term = BigInt(line.term as string)
      if (line.role === 'leader') {
        const other = leaders.get(String(term))
        if (other !== undefined && other !== node.id) violations.push(`two leaders in term ${term}: n${other}, n${node.id}`)
        leaders.set(String(term), node.id)
      }
      const source = String(line.source)
      if ((last.get(source) ?? 0n) > term) violations.push(`n${node.id} ${source} term went back to ${term}: ${line.message}`)
      last.set(source, term > (last.get(source) ?? 0n) ? term : last.get(source)!)
    }
  }
  return violations
}
