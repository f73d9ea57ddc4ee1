/**
 * The raftctl XDP program loaded for prog test-run, configured as node 1 of the 5-member
 * cluster the election table assumes (members 10.0.0.1-5 with ids 1-5, cluster id 7).
 * Pins go to a private directory that close() removes.
 */
import {rmSync} from 'node:fs'
import {RingBuffer, decode, type BpfObject, type BpfProgram} from '../../src/bpf/index.js'
import {decodeMessage, type WireMessage} from '../../src/dataplane/wire.js'
import {RaftMaps} from '../../src/dataplane/xdp/maps.js'
import {loadRaftObject} from '../../src/dataplane/xdp/program.js'
import type {HardState, HardStateStore} from '../../src/raft/types.js'
import {XDP_TX} from '../helpers/frames.js'
import {parseFrame, type ParsedFrame} from './frames.js'

export {XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX} from '../helpers/frames.js'

export const CLUSTER_ID = 7
/** T of the test node: a leader heard within 150 ms holds the lease that denies PreVotes. */
export const ELECTION_TIMEOUT_MIN_NS = 150_000_000n
export const SELF_ID = 1
export const MEMBER_IDS = [1, 2, 3, 4, 5]
export const NON_MEMBER_ID = 9
/** A non-voting follower at 10.0.0.6: only its acks count for anything. */
export const LEARNER_ID = 6
/** Node 1's configuration: the table's 5-member cluster, this node at 10.0.0.1. */
export const NODE_CONFIG = {nodeId: SELF_ID, clusterSize: MEMBER_IDS.length, selfIndex: 0, selfAddr: '10.0.0.1',
  electionTimeoutMinNs: ELECTION_TIMEOUT_MIN_NS}

/** What one frame did. */
export interface RunResult {
  action: number
  frame: Buffer
  reply?: ParsedFrame
  message?: WireMessage
}

/** A decoded struct raft_event. */
export type KernelEvent = Record<string, number | bigint | string>

/** The program under test with its maps, hard-state store and ring-buffer events. */
export class KernelNode {
  readonly events: KernelEvent[] = []
  readonly store: HardStateStore
  private readonly ring: RingBuffer

  private constructor(
    private readonly object: BpfObject,
    readonly program: BpfProgram,
    readonly maps: RaftMaps,
    private readonly pinRoot: string,
  ) {
    this.store = maps.hardStateStore()
    const events = maps.map('raft_events')
    const layout = events.findType('raft_event')
    if (!layout) throw new Error('struct raft_event is missing from the object BTF')
    this.ring = new RingBuffer(events, (record) => this.events.push(decode(layout, record) as KernelEvent))
  }

  /** Loads and configures a fresh program instance. */
  static async load(opts: {port?: number; clusterId?: number} = {}): Promise<KernelNode> {
    const pinRoot = `/sys/fs/bpf/raftctl-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
    const object = await loadRaftObject({pinRoot, port: opts.port ?? 5405, clusterId: opts.clusterId ?? CLUSTER_ID})
    const maps = RaftMaps.fromObject(object)
    maps.writeConfig(NODE_CONFIG)
    maps.writePeers([...MEMBER_IDS.map((id) => ({addr: `10.0.0.${id}`, nodeId: id, index: id - 1, voter: true})),
      {addr: `10.0.0.${LEARNER_ID}`, nodeId: LEARNER_ID, index: 0, voter: false}])
    return new KernelNode(object, object.program('raft_xdp'), maps, pinRoot)
  }

  /**
   * Puts node 1 in `hard` with zeroed soft state; `votesBefore` are voters already counted in its term;
   * `leaderHeardRecently` stamps leader_heard_ktime_ns with now (the leader lease holds), else 0 (never).
   */
  reset(hard: HardState, votesBefore: number[] = [], leaderHeardRecently = false): void {
    const state = this.maps.map('raft_state')
    state.update(Buffer.alloc(4), Buffer.alloc(state.valueSize))
    // bpf_ktime_get_ns() is CLOCK_MONOTONIC, the clock of process.hrtime
    if (leaderHeardRecently) this.maps.writeLeaderHeard(process.hrtime.bigint())
    if (!this.store.compareAndSwap(this.store.load(), hard)) throw new Error('reset lost a CAS race')
    const voters = [SELF_ID, ...votesBefore].reduce((mask, id) => mask | (1 << (id - 1)), 0)
    if (votesBefore.length) this.maps.writeTally(voters, hard.term)
    this.events.length = 0
  }

  /** Runs the program once on `frame` and parses what it sent back. */
  async run(frame: Buffer): Promise<RunResult> {
    const {retval, data} = await this.program.testRun(frame)
    await this.ring.flush() // events of this run are delivered before the next reset() clears them
    if (retval !== XDP_TX) return {action: retval, frame: data}
    const reply = parseFrame(data)
    return {action: retval, frame: data, reply, message: decodeMessage(reply.payload)}
  }

  /** Waits until at least `count` events arrived from the ring buffer's thread. */
  async waitForEvents(count: number, timeoutMs = 2000): Promise<KernelEvent[]> {
    const deadline = Date.now() + timeoutMs
    while (this.events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    return this.events
  }

  /** Where one of this instance's maps is pinned, for opening it from another thread. */
  pinPath(name: string): string {
    return `${this.pinRoot}/${name}`
  }

  /** Closes everything and removes the private pins. */
  close(): void {
    this.ring.close()
    this.maps.close()
    this.object.close()
    rmSync(this.pinRoot, {recursive: true, force: true})
  }
}
