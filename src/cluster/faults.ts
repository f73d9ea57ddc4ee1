/**
 * Partitions, one-way cuts and packet loss, enforced by an nftables `bridge` family table in the
 * switch namespace: its forward hook sees each frame between two bridge ports, before the frame
 * reaches the receiving node's XDP program (a rule inside the node's namespace would act after
 * XDP; NOTES.md). The whole rule set is rewritten in one nft transaction on every change, so a
 * test never sees half a partition.
 */
import {shIn} from './shell.js'

const TABLE = 'raftctl_faults'

/** The faults in force: directed address pairs whose frames are dropped, and a loss percentage. */
export interface FaultState {
  drops: Array<{from: string; to: string}>
  /** Percent of IPv4 frames dropped on every link, 0-100. */
  lossPercent: number
}

/** Creates the (empty) fault table in the switch namespace. */
export function createFaultTable(switchNs: string): void {
  applyFaults(switchNs, {drops: [], lossPercent: 0})
}

/**
 * Installs exactly `state`. Loss applies to IPv4 only: losing ARP too would add the kernel's
 * 1 s ARP retry to every loss of a resolution, which measures the neighbour cache, not Raft.
 */
export function applyFaults(switchNs: string, state: FaultState): void {
  const loss = Math.round(state.lossPercent)
  if (!(loss >= 0 && loss <= 100)) throw new Error(`loss must be a percentage from 0 to 100, not ${state.lossPercent}`)
  const rules = state.drops.map(({from, to}) => `add rule bridge ${TABLE} forward ip saddr ${from} ip daddr ${to} drop`)
  if (loss > 0) rules.push(`add rule bridge ${TABLE} forward meta protocol ip numgen random mod 100 < ${loss} drop`)
  const script = [
    `table bridge ${TABLE} {`,
    '  chain forward { type filter hook forward priority 0; policy accept; }',
    '}',
    `flush chain bridge ${TABLE} forward`,
    ...rules,
  ].join('\n')
  shIn(switchNs, 'nft', ['-f', '-'], script + '\n')
}

/** Directed pairs that separate every group from every other, both ways. */
export function partitionDrops(groups: string[][]): FaultState['drops'] {
  const drops: FaultState['drops'] = []
  for (const [g, group] of groups.entries()) {
    for (const [h, other] of groups.entries()) {
      if (g === h) continue
      for (const from of group) for (const to of other) drops.push({from, to})
    }
  }
  return drops
}
