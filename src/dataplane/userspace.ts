/**
 * The userspace dataplane: Node answers every raft message itself over one UDP socket, with the
 * same bytes (wire.ts) and the same acceptance rules as the XDP program, so a cluster may mix
 * the two. The hard state lives in memory; the node driver persists it before anything is sent.
 */
import {createSocket, type Socket} from 'node:dgram'
import {isIPv4} from 'node:net'
import {RaftctlError} from '../errors.js'
import {INITIAL_HARD_STATE, MemoryHardStateStore} from '../raft/store.js'
import type {HardStateStore, Message} from '../raft/types.js'
import type {Dataplane, DataplaneBoot, DataplaneEvent, DataplaneOptions, PeerAddress} from './dataplane.js'
import {decodeMessage, encodeMessage} from './wire.js'

/** The boot state of a node that has never run: term 0, no vote, no term limit. */
export const FIRST_BOOT: DataplaneBoot = Object.freeze({hardState: INITIAL_HARD_STATE, termLimit: 0n})

/** The monotonic clock every dataplane stamps events with (CLOCK_MONOTONIC, like bpf_ktime_get_ns). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

/** Who may talk to this node: node ids by source address (members and learners), and our own id. */
export interface SenderTable {
  selfId: number
  clusterId: number
  idByAddr: ReadonlyMap<string, number>
}

/** The sender table of a node's options. */
export function senderTable(options: DataplaneOptions, learners: PeerAddress[] = options.learners): SenderTable {
  const idByAddr = new Map([...options.members, ...learners].map((p) => [p.addr, p.id]))
  return {selfId: options.self.id, clusterId: options.clusterId, idByAddr}
}

/**
 * Decodes a datagram and accepts it like the XDP program does: exactly one message of our
 * version and cluster, from the member (or learner) at that source address, not carrying our id.
 * Anything else is dropped without a word, as the kernel drops it (DESIGN.md, E12).
 */
export function acceptMessage(payload: Buffer, sourceAddr: string, table: SenderTable): Message | undefined {
  const m = decodeMessage(payload)
  if (!m || m.clusterId !== table.clusterId) return undefined
  if (table.idByAddr.get(sourceAddr) !== m.senderId || m.senderId === table.selfId) return undefined
  return {type: m.type, from: m.senderId, to: table.selfId, term: m.term, flag: m.flag, echo: m.echo}
}

/** Encodes a message of this node for the wire. */
export function encodeFor(message: Message, clusterId: number): Buffer {
  const {type, flag, term, echo, from} = message
  return encodeMessage({type, flag, clusterId, senderId: from, term, echo})
}

/**
 * dgram passes every address through dns.lookup, which answers an IP literal on the next tick, so
 * a send would leave only after the rest of its handler (and a heartbeat long after its stamp).
 * Peers are IPv4 literals: answering at once makes send() call sendmsg before it returns.
 */
function literalAddress(hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  if (isIPv4(hostname)) return callback(null, hostname, 4)
  callback(Object.assign(new Error(`${hostname} is not an IPv4 address`), {code: 'EINVAL'}), '', 4)
}

/**
 * A UDP socket bound to addr:port, the address every peer sends to and expects replies from.
 * Fails with one line saying why (address not on this machine, port taken).
 */
export async function bindRaftSocket(addr: string, port: number): Promise<Socket> {
  const socket = createSocket({type: 'udp4', lookup: literalAddress})
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind({address: addr, port, exclusive: true}, () => {
        socket.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    socket.close()
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'EADDRNOTAVAIL' ? `${addr} is not an address of this machine; check --peers and --id`
      : code === 'EADDRINUSE' ? `port ${port} is taken; stop the other raftctl run or pick another --port` : String(code)
    throw new RaftctlError(`bind the raft socket to ${addr}:${port}: ${why}`, {cause: error})
  }
  return socket
}

/** Sends a datagram; a lost one is what UDP does anyway (link down, partition), so errors are dropped. */
export function sendDatagram(socket: Socket, bytes: Buffer, addr: string, port: number): void {
  socket.send(bytes, port, addr, () => undefined)
}

/** Node answers VoteRequests, PreVoteRequests and Heartbeats itself; the same rules as the XDP program. */
export class UserspaceDataplane implements Dataplane {
  readonly kind = 'userspace'
  private memory: MemoryHardStateStore | undefined
  private socket: Socket | undefined
  private crashed = false
  private table: SenderTable

  constructor(private readonly options: DataplaneOptions) {
    this.table = senderTable(options)
  }

  /** The in-memory hard state, made from the boot state at start(). */
  get store(): HardStateStore {
    if (!this.memory) throw new Error('the userspace dataplane has no hard state before start()')
    return this.memory
  }

  async start(onEvent: (event: DataplaneEvent) => void, boot: DataplaneBoot = FIRST_BOOT): Promise<void> {
    const {self, port} = this.options
    this.memory = new MemoryHardStateStore(boot.hardState)
    const socket = await bindRaftSocket(self.addr, port)
    this.socket = socket
    socket.on('message', (payload, rinfo) => {
      if (this.crashed) return
      const message = acceptMessage(payload, rinfo.address, this.table)
      if (message) onEvent({kind: 'message', message, atMs: monotonicMs()})
    })
    socket.on('error', (error) => onEvent({kind: 'error', error, atMs: monotonicMs()}))
  }

  describe(): string {
    return `userspace on ${this.options.self.addr}:${this.options.port}`
  }

  send(to: PeerAddress, message: Message): void {
    if (this.crashed || !this.socket) return
    sendDatagram(this.socket, encodeFor(message, this.options.clusterId), to.addr, this.options.port)
  }

  setCrashed(crashed: boolean): void {
    this.crashed = crashed
  }

  setLearners(learners: PeerAddress[]): void {
    this.table = senderTable(this.options, learners)
  }

  /** The kernel's term limit guards votes Node did not persist; here Node persists every vote first. */
  setTermLimit(): void {}

  async close(): Promise<void> {
    const socket = this.socket
    this.socket = undefined
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()))
  }
}
