/** A whole cluster of node runtimes on one MemoryNetwork and one fake clock. */
import type {MemoryNetwork} from '../../../src/dataplane/memory.js'
import {seededRandom} from '../../raft/helpers/prng.js'
import {FakeClock} from './fake-clock.js'
import {fakeNetwork, memoryNode, members, safetyViolations, type NodeSpec, type TestNode} from './memory-node.js'

/** Which dataplane style each node plays. */
export type Style = 'userspace' | 'xdp' | 'mixed'

/** n nodes (ids 1..n); in 'mixed', odd ids play the kernel. */
export class MemoryCluster {
  readonly clock = new FakeClock()
  readonly network: MemoryNetwork
  readonly nodes: TestNode[]

  constructor(n: number, style: Style, seed = 1, overrides: (id: number) => Partial<NodeSpec> = () => ({})) {
    this.network = fakeNetwork(this.clock)
    this.nodes = members(n).map((self) => memoryNode({
      network: this.network, clock: this.clock, self, members: members(n),
      kernel: style === 'xdp' || (style === 'mixed' && self.id % 2 === 1),
      random: seededRandom(seed * 100 + self.id), ...overrides(self.id),
    }))
  }

  async start(): Promise<void> {
    for (const node of this.nodes) await node.runtime.start()
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.runtime.stop()
  }

  node(id: number): TestNode {
    return this.nodes[id - 1]
  }

  /** Ids of running, uncrashed nodes whose hard state says leader. */
  leaders(): number[] {
    return this.nodes.filter((n) => this.isLive(n) && n.runtime.state().role === 'leader').map((n) => n.id)
  }

  /** The one leader the live nodes among `ids` (default all) agree on: same term, same leader id. */
  agreedLeader(ids?: number[]): number | undefined {
    const live = this.nodes.filter((n) => this.isLive(n) && (!ids || ids.includes(n.id)))
    const [leader, ...others] = live.filter((n) => n.runtime.state().role === 'leader').map((n) => n.id)
    if (leader === undefined || others.length) return undefined
    const view = this.node(leader).runtime.state()
    return live.every((n) => n.runtime.state().term === view.term && n.runtime.state().leaderId === leader) ? leader : undefined
  }

  /** Runs until the nodes among `ids` agree on a leader; returns it, or fails naming the time spent. */
  electLeader(limitMs = 5 * 300, ids?: number[]): number {
    if (!this.clock.runUntil(() => this.agreedLeader(ids) !== undefined, limitMs)) {
      throw new Error(`no agreed leader within ${limitMs} ms; leaders ${this.leaders()}`)
    }
    return this.agreedLeader(ids)!
  }

  /** Safety over every node's log lines so far. */
  violations(): string[] {
    return safetyViolations(this.nodes)
  }

  private isLive(n: TestNode): boolean {
    try {
      return !n.runtime.state().crashed
    } catch {
      return false
    }
  }
}
