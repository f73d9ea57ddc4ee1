// The node log: one line per event, text or NDJSON, role and term on every line, kernel lines
// in their own words with the event's own term, heartbeats and acks kept out.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {NodeControl, NodeEvent, NodeStateView} from '../../src/node/control.js'
import {attachLogger, type LogFormat} from '../../src/node/logger.js'
import type {RaftEvent} from '../../src/raft/index.js'

const WALL = new Date('2025-01-02T03:04:05.678Z')

/** A NodeControl that only emits what the test pushes. */
function fakeControl(view: Partial<NodeStateView> = {}) {
  const listeners: Array<(e: NodeEvent) => void> = []
  const state: NodeStateView = {nodeId: 1, addr: '10.0.0.1', role: 'follower', term: '3', votedFor: 0, leaderId: 0, crashed: false,
    dataplane: 'xdp', heartbeatIntervalMs: 50, electionTimeoutMs: {min: 150, max: 300},
    members: [{id: 1, addr: '10.0.0.1'}, {id: 2, addr: '10.0.0.2'}, {id: 3, addr: '10.0.0.3'}], ...view}
  const control = {state: () => state, onEvent: (l: (e: NodeEvent) => void) => (listeners.push(l), () => undefined)} as unknown as NodeControl
  return {control, emit: (e: NodeEvent) => listeners.forEach((l) => l(e))}
}

function logged(format: LogFormat, events: NodeEvent[], color = false): string[] {
  const {control, emit} = fakeControl()
  const lines: string[] = []
  attachLogger(control, {format, write: (l) => lines.push(l), color, wallClock: () => WALL})
  events.forEach(emit)
  return lines
}

const becameLeader: RaftEvent = {nodeId: 1, term: 7n, role: 'leader', atMs: 12.5, kind: 'became-leader', electionMs: 3.14,
  votes: 2, clusterSize: 3, by: 'node'}
const kernel = (over: Record<string, string | number | bigint>): NodeEvent => ({source: 'kernel', atMs: 20, event: {
  ktime_ns: 20_000_000n, term: 5n, prev_term: 5n, value: 0n, peer_id: 3, type: 'RAFT_EV_VOTE_GRANTED',
  msg_type: 'RAFT_MSG_VOTE_REQUEST', role: 'RAFT_FOLLOWER', prev_role: 'RAFT_FOLLOWER', ...over}})

describe('node log lines', () => {
  it('text: ISO time, role tag, term, node, and the event in words', () => {
    assert.deepEqual(logged('text', [{source: 'raft', event: becameLeader}]),
      ['2025-01-02T03:04:05.678Z [LEADER] [term 7] n1 quorum reached (2/3 votes) in 3.1 ms; becoming leader'])
  })

  it('text: the role tag is coloured when asked (a TTY)', () => {
    const [line] = logged('text', [{source: 'raft', event: becameLeader}], true)
    assert.ok(line.includes('\x1b['), line)
  })

  it('json: one object per line with the core fields and the details, bigints as strings', () => {
    const [line] = logged('json', [{source: 'raft', event: becameLeader}])
    assert.deepEqual(JSON.parse(line), {time: WALL.toISOString(), atMs: 12.5, nodeId: 1, role: 'leader', term: '7',
      kind: 'became-leader', source: 'raft', message: 'quorum reached (2/3 votes) in 3.1 ms; becoming leader',
      electionMs: 3.14, votes: 2, clusterSize: 3, by: 'node'})
  })

  it("kernel events: the event's own term and role, named like the state machine's, with an xdp: prefix", () => {
    const lines = logged('json', [
      kernel({term: 5n, prev_term: 4n}),
      kernel({type: 'RAFT_EV_QUORUM_REACHED', msg_type: 'RAFT_MSG_VOTE_RESPONSE', term: 7n, prev_term: 7n, value: 2n,
        role: 'RAFT_LEADER', prev_role: 'RAFT_CANDIDATE', peer_id: 2}),
      kernel({type: 'RAFT_EV_STALE_REJECTED', msg_type: 'RAFT_MSG_HEARTBEAT', value: 4n}),
      kernel({type: 'RAFT_EV_TERM_ADOPTED', msg_type: 'RAFT_MSG_HEARTBEAT_ACK', term: 7n, prev_term: 6n, peer_id: 2}),
    ]).map((l) => JSON.parse(l))
    assert.deepEqual(lines.map((l) => [l.kind, l.term, l.role, l.source, l.message]), [
      ['vote-granted', '5', 'follower', 'kernel', 'xdp: granted vote to n3 in term 5 (adopted from n3; was term 4)'],
      ['quorum-reached', '7', 'leader', 'kernel', 'xdp: quorum reached (2/3 votes); leader of term 7'],
      ['stale-message', '5', 'follower', 'kernel', 'xdp: stale heartbeat from n3 (term 4) rejected'],
      ['term-adopted', '7', 'follower', 'kernel', "xdp: adopted term 7 from n2's heartbeat ack (was 6)"],
    ])
    assert.equal(lines[0].peerId, 3)
  })

  it('acks get no line; a reported heartbeat (the program reports only news) names the leader', () => {
    const lines = logged('text', [
      kernel({type: 'RAFT_EV_ACK_RECEIVED', msg_type: 'RAFT_MSG_HEARTBEAT_ACK', value: 30_000n, role: 'RAFT_LEADER', prev_role: 'RAFT_LEADER'}),
      kernel({type: 'RAFT_EV_HEARTBEAT', msg_type: 'RAFT_MSG_HEARTBEAT', term: 6n, prev_term: 5n, peer_id: 2}),
      kernel({type: 'RAFT_EV_HEARTBEAT', msg_type: 'RAFT_MSG_HEARTBEAT', term: 6n, prev_term: 6n, peer_id: 3}),
    ])
    assert.deepEqual(lines, ["2025-01-02T03:04:05.678Z [FOLLOWER] [term 6] n1 xdp: adopted term 6 from n2's heartbeat (was 5)",
      '2025-01-02T03:04:05.678Z [FOLLOWER] [term 6] n1 xdp: n3 is the leader of term 6'])
  })

  it('node events carry the current role and term', () => {
    const lines = logged('json', [
      {source: 'node', kind: 'crash-started', atMs: 1, detail: 'for 500 ms'},
      {source: 'node', kind: 'stopping', atMs: 2},
    ]).map((l) => JSON.parse(l))
    assert.deepEqual(lines.map((l) => [l.kind, l.role, l.term, l.message]), [
      ['crash-started', 'follower', '3', 'crash simulated for 500 ms: every raft packet dropped, nothing sent'],
      ['stopping', 'follower', '3', 'stopping'],
    ])
  })
})
