/**
 * The XDP dataplane: the kernel answers VoteRequests, PreVoteRequests and Heartbeats and counts
 * VoteResponses and HeartbeatAcks (bpf/raftctl.bpf.c); PreVoteResponses it passes up to the socket,
 * where Node counts them (Raft thesis §9.6). Node sends requests from a socket on the raft port, shares the
 * hard-state word with the kernel by compare-and-swap, and learns what the kernel did from the
 * ring buffer `raft_events`.
 *
 * Attachment policy: start() attaches only when raftctl is not attached to the interface yet, and
 * close() takes off only a program start() attached. Pins (maps with the term and vote, program,
 * settings) are never removed on a clean stop: they are the node's durable state, so a restarted
 * `run` resumes the kernel's word exactly. `raftctl detach` removes them.
 */
import type {Socket} from 'node:dgram'
import {existsSync} from 'node:fs'
import {RingBuffer, decode, detachXdp, queryXdp, type TypeLayout, type XdpMode} from '../bpf/index.js'
import {RaftctlError} from '../errors.js'
import type {HardState, HardStateStore, Message} from '../raft/types.js'
import type {Dataplane, DataplaneBoot, DataplaneEvent, DataplaneOptions, PeerAck, PeerAddress} from './dataplane.js'
import {type PeerEntry, RaftMaps} from './xdp/maps.js'
import {pinPaths, removePins, requireBpffs} from './xdp/pins.js'
import {attachProgram, isVeth, noSuchInterface, pinnedProgramIds, requireRoot} from './xdp/program.js'
import {type AttachSettings, readAttachSettings} from './xdp/settings.js'
import {FIRST_BOOT, acceptMessage, bindRaftSocket, encodeFor, monotonicMs, sendDatagram, senderTable} from './userspace.js'

/** A decoded struct raft_event: enums by name (type 'RAFT_EV_VOTE_GRANTED', role 'RAFT_LEADER'). */
export type KernelEventRecord = Record<string, number | bigint | string>

/** Options of the XDP dataplane beyond the common ones. */
export interface XdpDataplaneOptions extends DataplaneOptions {
  /**
   * XDP mode when start() attaches. 'auto' picks generic on a veth (native XDP_TX on a veth drops
   * replies unless its peer runs an XDP program too, NOTES.md) and the driver's best elsewhere.
   */
  mode?: XdpMode
  /** T, ms: the leader lease within which the program denies PreVotes (raft_config.election_timeout_min_ns). */
  electionTimeoutMinMs: number
}

const ROLE_CODES: Record<string, number> = {RAFT_FOLLOWER: 0, RAFT_CANDIDATE: 1, RAFT_LEADER: 2}

/** The role of a kernel event as a number, whether BTF decoded it by name or not. */
function roleCode(value: unknown): number {
  return typeof value === 'string' ? ROLE_CODES[value] ?? -1 : Number(value)
}

/**
 * What one kernel event means for the node driver, in order: always the event itself (logs,
 * metrics), then what to feed the state machine, then 'state-changed' when the kernel changed
 * the term or the role (so a new leader heartbeats at once).
 */
export function kernelDataplaneEvents(record: KernelEventRecord): DataplaneEvent[] {
  const atMs = Number(record.ktime_ns) / 1e6
  const peerId = Number(record.peer_id)
  const term = BigInt(record.term)
  const out: DataplaneEvent[] = [{kind: 'kernel', event: record, atMs}]
  switch (record.type) {
    case 'RAFT_EV_VOTE_GRANTED':
      out.push({kind: 'timer-reset', atMs})
      break
    case 'RAFT_EV_HEARTBEAT':
      out.push({kind: 'timer-reset', atMs, leaderId: peerId})
      break
    case 'RAFT_EV_ACK_RECEIVED':
      out.push({kind: 'ack', peerId, atMs, rttNs: BigInt(record.value)})
      break
    case 'RAFT_EV_VOTE_COUNTED':
    case 'RAFT_EV_QUORUM_REACHED':
      out.push({kind: 'vote-response', peerId, term, granted: true, atMs})
      break
    case 'RAFT_EV_VOTE_REFUSED':
      out.push({kind: 'vote-response', peerId, term, granted: false, atMs})
      break
    case 'RAFT_EV_TERM_LIMIT':
      out.push({kind: 'term-limit', term: BigInt(record.value), atMs})
      break
  }
  if (term !== BigInt(record.prev_term) || roleCode(record.role) !== roleCode(record.prev_role)) {
    out.push({kind: 'state-changed', atMs})
  }
  return out
}

function settingsOrUndefined(iface: string): AttachSettings | undefined {
  try {
    return readAttachSettings(iface)
  } catch {
    return undefined
  }
}

/** How often a running node makes sure its program is still attached (`raftctl detach` or `ip link` may take it off). */
const ATTACHMENT_CHECK_MS = 1000

/** The kernel answers; Node times, sends requests and reconciles. */
export class XdpDataplane implements Dataplane {
  readonly kind = 'xdp'
  private maps: RaftMaps | undefined
  private sharedStore: HardStateStore | undefined
  private ring: RingBuffer | undefined
  private socket: Socket | undefined
  private crashed = false
  /** Set when start() attached the program: close() takes off exactly this one. */
  private attachedProgramId: number | undefined
  private attachmentCheck: NodeJS.Timeout | undefined
  private modeInForce = 'unknown'
  private resumed = false
  private learners: PeerAddress[]

  constructor(private readonly options: XdpDataplaneOptions) {
    this.learners = options.learners
  }

  /** The kernel's own record of its last election-timer reset. */
  lastTimerResetMs(): number | undefined {
    const ns = this.maps?.readKtimeNs('timer_reset_ktime_ns') ?? 0n
    return ns > 0n ? Number(ns) / 1e6 : undefined
  }

  /** The kernel's record of the last heartbeat it accepted from a leader. */
  lastLeaderHeardMs(): number | undefined {
    const ns = this.maps?.readKtimeNs('leader_heard_ktime_ns') ?? 0n
    return ns > 0n ? Number(ns) / 1e6 : undefined
  }

  lastAcks(): PeerAck[] {
    return (this.maps?.readPeers() ?? []).filter((p) => p.lastAckKtimeNs > 0n)
      .map((p) => ({peerId: p.nodeId, atMs: Number(p.lastAckKtimeNs) / 1e6, rttNs: p.rttNs}))
  }

  /** The hard-state word in the mmap'd raft_state, shared with the kernel (available after start()). */
  get store(): HardStateStore {
    if (!this.sharedStore) throw new Error('the XDP dataplane has no hard state before start()')
    return this.sharedStore
  }

  async start(onEvent: (event: DataplaneEvent) => void, boot: DataplaneBoot = FIRST_BOOT): Promise<void> {
    const {iface, self, port} = this.options
    requireRoot('raftctl run --dataplane xdp')
    const freshPins = !existsSync(pinPaths(iface).root)
    try {
      await this.attach()
      const maps = RaftMaps.openPinned(iface)
      this.maps = maps
      this.sharedStore = maps.hardStateStore()
      // A `run` wrote the config before: the kernel's word is the truth (a process restart, E9).
      this.resumed = maps.readConfig().nodeId !== 0
      if (!this.resumed) this.seed(boot.hardState)
      maps.setCrashed(false)
      this.ring = this.openRing(maps, onEvent)
      boot.persistTermLimit?.()
      maps.writeConfig({nodeId: self.id, clusterSize: this.options.members.length, selfAddr: self.addr,
        selfIndex: this.options.members.findIndex((m) => m.id === self.id), termLimit: boot.termLimit,
        electionTimeoutMinNs: BigInt(Math.round(this.options.electionTimeoutMinMs * 1e6))})
      maps.writePeers(this.peerEntries(this.learners))
      this.socket = await bindRaftSocket(self.addr, port)
      // The program answers or consumes every inbound raft frame but PreVoteResponses, which it
      // passes up for the node to count (thesis §9.6); anything else reaching the socket is ignored.
      const table = senderTable({...this.options, learners: []})
      this.socket.on('message', (payload, rinfo) => {
        if (this.crashed) return
        const message = acceptMessage(payload, rinfo.address, table)
        if (message?.type === 'PreVoteResponse') onEvent({kind: 'message', message, atMs: monotonicMs()})
      })
      this.socket.on('error', (error) => onEvent({kind: 'error', error, atMs: monotonicMs()}))
      this.attachmentCheck = setInterval(() => this.checkAttachment(onEvent), ATTACHMENT_CHECK_MS).unref()
    } catch (error) {
      await this.close()
      if (freshPins) removePins(iface) // nothing half-attached, and no pins this failed start made
      throw error
    }
  }

  describe(): string {
    const how = this.attachedProgramId === undefined ? 'found attached' : 'attached now'
    const state = this.resumed ? 'resumed the pinned hard state' : 'seeded the hard state from the state file'
    return `xdp on ${this.options.iface} (${this.modeInForce} mode, ${how}; ${state}), sending from ${this.options.self.addr}:${this.options.port}`
  }

  send(to: PeerAddress, message: Message): void {
    if (this.crashed || !this.socket) return
    sendDatagram(this.socket, encodeFor(message, this.options.clusterId), to.addr, this.options.port)
  }

  setCrashed(crashed: boolean): void {
    this.crashed = crashed
    this.maps?.setCrashed(crashed)
  }

  setLearners(learners: PeerAddress[]): void {
    this.maps?.writePeers(this.peerEntries(learners))
    this.learners = learners // after the write: a rejected list is not kept
  }

  setTermLimit(limit: bigint): void {
    const maps = this.maps
    if (!maps) return
    maps.writeConfig({...maps.readConfig(), termLimit: limit})
  }

  async close(): Promise<void> {
    clearInterval(this.attachmentCheck)
    this.ring?.close()
    this.ring = undefined
    const socket = this.socket
    this.socket = undefined
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()))
    if (this.maps) {
      // The crash was a simulation of this process; the pinned state must not stay "crashed".
      if (this.crashed) this.maps.setCrashed(false)
      this.maps.close()
      this.maps = undefined
    }
    const programId = this.attachedProgramId
    this.attachedProgramId = undefined
    if (programId !== undefined) {
      try {
        detachXdp(this.options.iface, {expectedProgramId: programId}) // only ours: a replacement stays
      } catch {
        // the interface is gone (its namespace was deleted), and the program with it
      }
    }
  }

  /** Attaches unless raftctl already is, refusing an attachment whose settings differ from ours. */
  private async attach(): Promise<void> {
    const {iface, port, clusterId} = this.options
    const mode = this.options.mode ?? 'auto'
    requireBpffs() // without it our own pins are invisible and our program would look like another's
    let current
    try {
      current = queryXdp(iface)
    } catch (error) {
      throw noSuchInterface(iface, error)
    }
    const pinned = pinnedProgramIds(iface)
    const ours = current.programId !== 0 && (pinned.current === current.programId || pinned.pending === current.programId)
    if (current.programId !== 0 && !ours) {
      const keyword = current.mode === 'generic' ? 'xdpgeneric' : current.mode === 'native' ? 'xdpdrv' : 'xdp'
      throw new RaftctlError(`another XDP program (id ${current.programId}) is attached to ${iface}; remove it with: ` +
        `ip link set dev ${iface} ${keyword} off, or replace it with: raftctl attach --iface ${iface} --force`)
    }
    // Damaged or half-made pins (a killed attach) have no settings to compare: attachProgram repairs those.
    const found = ours ? settingsOrUndefined(iface) : undefined
    if (ours) {
      if (found && (found.port !== port || found.clusterId !== clusterId)) {
        throw new RaftctlError(`raftctl is attached to ${iface} with port ${found.port} and cluster id ${found.clusterId}, ` +
          `not port ${port} and cluster id ${clusterId}; run with those, or detach first: raftctl detach --iface ${iface}`)
      }
      if (mode !== 'auto' && mode !== current.mode) {
        throw new RaftctlError(`raftctl is attached to ${iface} in ${current.mode} mode, not ${mode}; ` +
          `run with --mode ${current.mode} (or auto), or detach first: raftctl detach --iface ${iface}`)
      }
    }
    const wanted = mode === 'auto' && !ours && isVeth(iface) ? 'generic' : mode
    const result = await attachProgram({iface, mode: wanted, port, clusterId, force: false})
    this.modeInForce = result.mode
    if (!result.alreadyAttached) this.attachedProgramId = result.programId
  }

  /**
   * Without its program, or with one for another port or cluster id, the kernel no longer answers
   * for this node while the process still sends: a silent, half-working node. Stop it instead,
   * saying why (a replacement by `raftctl attach --force` with our settings is still ours: it
   * shares the pinned maps).
   */
  private checkAttachment(onEvent: (event: DataplaneEvent) => void): void {
    const {iface, port, clusterId} = this.options
    let problem = 'is no longer attached to'
    try {
      const {programId} = queryXdp(iface)
      const pinned = pinnedProgramIds(iface)
      if (programId !== 0 && (programId === pinned.current || programId === pinned.pending)) {
        const settings = settingsOrUndefined(iface)
        if (!settings || (settings.port === port && settings.clusterId === clusterId)) return
        problem = `was replaced (port ${settings.port}, cluster id ${settings.clusterId}, not ${port} and ${clusterId}) on`
      }
    } catch {
      // the interface is gone, or the pins went while we looked
    }
    clearInterval(this.attachmentCheck)
    const error = new RaftctlError(`raftctl's program ${problem} ${iface} (raftctl detach or attach --force, ip link, or the interface is gone); ` +
      'this node stops: start it again to attach again')
    onEvent({kind: 'error', error, atMs: monotonicMs()})
  }

  /** Puts the boot state into a word no `run` configured yet (term 0, or an unconfigured attach). */
  private seed(boot: HardState): void {
    const store = this.store
    const current = store.load()
    if (current.term > boot.term || (current.term === boot.term && current.votedFor !== 0)) return
    if (!store.compareAndSwap(current, {...boot, role: 'follower'})) {
      throw new RaftctlError(`the hard state on ${this.options.iface} changed while unconfigured; another process is using it`)
    }
  }

  private openRing(maps: RaftMaps, onEvent: (event: DataplaneEvent) => void): RingBuffer {
    // A ring buffer has no BTF of its own: raft_state's BTF (the object's) describes the record.
    const layout: TypeLayout | undefined = maps.map('raft_state').findType('raft_event')
    if (!layout) throw new RaftctlError('struct raft_event is missing from the program BTF; rebuild it with: make bpf')
    return new RingBuffer(
      maps.map('raft_events'),
      (record) => {
        let events: DataplaneEvent[]
        try {
          events = kernelDataplaneEvents(decode(layout, record) as KernelEventRecord)
        } catch (error) {
          // Thrown on the ring buffer's delivery path it would be uncaught: report it as the dataplane's failure.
          events = [{kind: 'error', error: error as Error, atMs: monotonicMs()}]
        }
        for (const event of events) onEvent(event)
      },
      (error) => onEvent({kind: 'error', error, atMs: monotonicMs()}),
    )
  }

  /** Members get their position in --peers as tally index; learners follow, never voting. */
  private peerEntries(learners: PeerAddress[]): PeerEntry[] {
    const {members} = this.options
    return [
      ...members.map((p, index) => ({addr: p.addr, nodeId: p.id, index, voter: true})),
      ...learners.map((p, i) => ({addr: p.addr, nodeId: p.id, index: members.length + i, voter: false})),
    ]
  }
}
