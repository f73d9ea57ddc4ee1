// What the driver is told for each kernel event (xdp.ts), and the userspace dataplane's acceptance
// rule, which must match the XDP program's: our cluster, the member at that address, not us.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {acceptMessage, senderTable} from '../../src/dataplane/userspace.js'
import {encodeMessage, type WireMessage} from '../../src/dataplane/wire.js'
import {kernelDataplaneEvents, type KernelEventRecord} from '../../src/dataplane/xdp.js'

const record = (over: KernelEventRecord): KernelEventRecord => ({ktime_ns: 5_000_000n, term: 5n, prev_term: 5n, value: 0n,
  peer_id: 2, type: 'RAFT_EV_VOTE_GRANTED', msg_type: 'RAFT_MSG_VOTE_REQUEST', role: 'RAFT_FOLLOWER', prev_role: 'RAFT_FOLLOWER', ...over})

function kinds(over: KernelEventRecord): unknown[] {
  return kernelDataplaneEvents(record(over)).map((e) => {
    const {atMs, ...rest} = e as {atMs: number} & Record<string, unknown>
    assert.equal(atMs, 5)
    return rest.kind === 'kernel' ? 'kernel' : rest
  })
}

describe('kernel events for the node driver', () => {
  const cases: Array<[string, KernelEventRecord, unknown[]]> = [
    ['a vote granted resets the timer', {}, ['kernel', {kind: 'timer-reset'}]],
    ['a vote granted in an adopted term also reports a state change', {prev_term: 4n},
      ['kernel', {kind: 'timer-reset'}, {kind: 'state-changed'}]],
    ['an accepted heartbeat resets the timer and names the leader', {type: 'RAFT_EV_HEARTBEAT', msg_type: 'RAFT_MSG_HEARTBEAT', peer_id: 3},
      ['kernel', {kind: 'timer-reset', leaderId: 3}]],
    ['a heartbeat that turns a candidate into a follower is a state change',
      {type: 'RAFT_EV_HEARTBEAT', role: 'RAFT_FOLLOWER', prev_role: 'RAFT_CANDIDATE'},
      ['kernel', {kind: 'timer-reset', leaderId: 2}, {kind: 'state-changed'}]],
    ['an ack carries its round trip', {type: 'RAFT_EV_ACK_RECEIVED', value: 42_000n, role: 'RAFT_LEADER', prev_role: 'RAFT_LEADER'},
      ['kernel', {kind: 'ack', peerId: 2, rttNs: 42_000n}]],
    ['a counted vote', {type: 'RAFT_EV_VOTE_COUNTED', value: 2n}, ['kernel', {kind: 'vote-response', peerId: 2, term: 5n, granted: true}]],
    ['a refused vote', {type: 'RAFT_EV_VOTE_REFUSED'}, ['kernel', {kind: 'vote-response', peerId: 2, term: 5n, granted: false}]],
    ['a quorum: the vote, then the state change that makes the driver heartbeat at once',
      {type: 'RAFT_EV_QUORUM_REACHED', role: 'RAFT_LEADER', prev_role: 'RAFT_CANDIDATE'},
      ['kernel', {kind: 'vote-response', peerId: 2, term: 5n, granted: true}, {kind: 'state-changed'}]],
    ['a term above the limit', {type: 'RAFT_EV_TERM_LIMIT', value: 20n}, ['kernel', {kind: 'term-limit', term: 20n}]],
    ['an adopted term', {type: 'RAFT_EV_TERM_ADOPTED', prev_term: 4n}, ['kernel', {kind: 'state-changed'}]],
    ['a stale message changes nothing', {type: 'RAFT_EV_STALE_REJECTED', value: 3n}, ['kernel']],
  ]
  for (const [name, over, expected] of cases) it(name, () => assert.deepEqual(kinds(over), expected))
})

describe('userspace acceptance (the XDP program drops the same)', () => {
  const members = [{id: 1, addr: '10.0.0.1'}, {id: 2, addr: '10.0.0.2'}, {id: 3, addr: '10.0.0.3'}]
  const table = senderTable({iface: 'x', self: members[0], members, learners: [{id: 9, addr: '10.0.0.9'}], port: 5405, clusterId: 7})
  const bytes = (over: Partial<WireMessage> = {}) =>
    encodeMessage({type: 'VoteRequest', flag: false, clusterId: 7, senderId: 2, term: 5n, echo: 1n, ...over})

  it('accepts a member at its address and a learner at its address', () => {
    assert.deepEqual(acceptMessage(bytes(), '10.0.0.2', table), {type: 'VoteRequest', from: 2, to: 1, term: 5n, flag: false, echo: 1n})
    assert.equal(acceptMessage(bytes({senderId: 9}), '10.0.0.9', table)?.from, 9)
  })

  it('drops another cluster, a sender id not at its address, our own id, strangers and malformed bytes', () => {
    assert.equal(acceptMessage(bytes({clusterId: 8}), '10.0.0.2', table), undefined)
    assert.equal(acceptMessage(bytes({senderId: 3}), '10.0.0.2', table), undefined)
    assert.equal(acceptMessage(bytes({senderId: 1}), '10.0.0.1', table), undefined)
    assert.equal(acceptMessage(bytes(), '10.0.0.44', table), undefined)
    assert.equal(acceptMessage(bytes().subarray(0, 31), '10.0.0.2', table), undefined)
    assert.equal(acceptMessage(Buffer.concat([bytes(), Buffer.alloc(1)]), '10.0.0.2', table), undefined)
  })
})
