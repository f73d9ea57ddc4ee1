/** What `raftctl status` prints: one table per interface, like `xdp-loader status`. */
import type {InterfaceStatus} from '../dataplane/xdp/status.js'
import {recordTable, title, type CellText} from './table.js'

const node = (id: number | undefined) => (id ? `n${id}` : 'none')

/** The rows of one interface: its XDP attachment, then raftctl's settings and Raft view. */
export function statusPairs(s: InterfaceStatus): [string, CellText][] {
  const pairs: [string, CellText][] = [
    ['interface', s.iface],
    ['program id', s.programId || 'none'],
    ['name', s.programName ?? '-'],
    ['tag', s.tag ?? '-'],
    ['mode', s.mode === 'gone' ? 'no such interface in this network namespace' : s.mode],
    ['raftctl', s.raftctl ? 'yes' : s.pinPath ? 'pinned, not attached' : 'no'],
  ]
  if (!s.pinPath) return pairs
  pairs.push(['pin path', s.pinPath], ['port', s.port ?? '-'], ['cluster id', s.clusterId ?? '-'])
  if (s.error) pairs.push(['error', s.error])
  if (!s.node) return pairs
  return [...pairs,
    ['node id', s.node.nodeId ? `n${s.node.nodeId} of ${s.node.clusterSize}` : 'not configured'],
    ['term', s.node.term.toString()],
    ['votedFor', node(s.node.votedFor)],
    ['role', s.node.role],
    ['leader', node(s.node.leaderId)],
    ['crashed', s.node.crashed ? 'yes' : 'no'],
  ]
}

/** Every interface's table, or a hint when nothing is attached anywhere. */
export function renderStatus(rows: InterfaceStatus[]): string {
  if (rows.length === 0) return 'no XDP program is attached to any interface; attach raftctl with: raftctl attach --iface <name>'
  return rows.map((s) => `${title(s.iface)}\n${recordTable(statusPairs(s))}`).join('\n\n')
}
