// Every branch of the XDP program through prog test-run: what passes, what drops, what answers.
import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, test} from 'node:test'
import {decode} from '../../src/bpf/index.js'
import {RAFT_MAX_TERM, encodeMessage, type WireMessage} from '../../src/dataplane/wire.js'
import type {HardState} from '../../src/raft/types.js'
import {buildFrame, parseFrame, raftFrame, type FrameSpec} from './frames.js'
import {CLUSTER_ID, KernelNode, NODE_CONFIG, XDP_DROP, XDP_PASS, XDP_TX} from './harness.js'

const follower: HardState = {term: 5n, votedFor: 0, role: 'follower'}

function vote(over: Partial<WireMessage> = {}): WireMessage {
  return {type: 'VoteRequest', flag: false, clusterId: CLUSTER_ID, senderId: 2, term: 6n, echo: 99n, ...over}
}

/** raft_stats decoded by its BTF field names. */
function stats(node: KernelNode): Record<string, bigint> {
  const map = node.maps.map('raft_stats')
  return decode(map.valueLayout!, map.lookup(Buffer.alloc(4))!) as Record<string, bigint>
}

describe('XDP program', () => {
  let node: KernelNode
  before(async () => {
    node = await KernelNode.load()
  })
  after(() => node?.close())
  beforeEach(() => node.reset(follower))

  async function expectUntouched(frame: Buffer, action: number, counter: string) {
    const before = stats(node)
    const result = await node.run(frame)
    assert.equal(result.action, action)
    assert.deepEqual(node.store.load(), follower, 'hard state untouched')
    assert.equal(node.maps.readState().timerResetKtimeNs, 0n, 'timer untouched')
    assert.equal(stats(node)[counter] - before[counter], 1n, `${counter} counted`)
  }

  describe('passes frames that are not ours', () => {
    const payload = encodeMessage(vote())
    const cases: Array<[string, Partial<FrameSpec>]> = [
      ['ARP', {ethertype: 0x0806}],
      ['IPv6', {ethertype: 0x86dd}],
      ['TCP', {protocol: 6}],
      ['UDP to another port', {dstPort: 53}],
      ['the first fragment of a datagram to our port', {fragment: 0x2000}],
      ['a later fragment', {fragment: 0x0010}],
      ['IPv4 ethertype with IP version 6', {ipVersion: 6}],
      ['three VLAN tags (deeper than we parse)', {vlanIds: [1, 2, 3]}],
      ['a raft message for another host (flooded by a bridge)', {dstIp: '10.0.0.3'}],
      ['a raft message to the broadcast address', {dstIp: '255.255.255.255'}],
    ]
    for (const [name, spec] of cases) {
      test(name, () => expectUntouched(buildFrame({...spec, payload}), XDP_PASS, 'passed'))
    }
    test('a frame cut inside the UDP header', async () => {
      await expectUntouched(raftFrame(vote()).subarray(0, 14 + 20 + 4), XDP_PASS, 'passed')
    })
    test('a bare Ethernet header', () => expectUntouched(raftFrame(vote()).subarray(0, 14), XDP_PASS, 'passed'))
  })

  describe('drops malformed messages to our port', () => {
    const bad = (mutate: (payload: Buffer) => void) => {
      const payload = encodeMessage(vote())
      mutate(payload)
      return buildFrame({payload})
    }
    const cases: Array<[string, Buffer]> = [
      ['truncated payload', raftFrame(vote()).subarray(0, 14 + 20 + 8 + 20)],
      ['UDP length one short', buildFrame({payload: encodeMessage(vote()), udpLength: 39})],
      ['UDP length longer than a message', buildFrame({payload: Buffer.concat([encodeMessage(vote()), Buffer.alloc(4)])})],
      ['IP total length disagreeing with UDP length', buildFrame({payload: encodeMessage(vote()), ipTotalLength: 64})],
      ['wrong magic', bad((p) => p.writeUInt16BE(0x1234, 0))],
      ['wrong version', bad((p) => p.writeUInt8(2, 2))],
      ['message type 0', bad((p) => p.writeUInt8(0, 3))],
      ['reserved message type (TimeoutNow)', bad((p) => p.writeUInt8(7, 3))],
      ['message type beyond the enum', bad((p) => p.writeUInt8(200, 3))],
      ['term beyond 46 bits', bad((p) => p.writeBigUInt64BE(RAFT_MAX_TERM + 1n, 16))],
      ['huge term', bad((p) => p.writeBigUInt64BE(0xffffffffffffffffn, 16))],
      ['a sender id beyond 16 bits', bad((p) => p.writeUInt32BE(0x10002, 12))],
      ['a corrupt IP header checksum', (() => {
        const frame = raftFrame(vote())
        frame.writeUInt16BE(frame.readUInt16BE(24) ^ 0x0101, 24)
        return frame
      })()],
    ]
    for (const [name, frame] of cases) test(name, () => expectUntouched(frame, XDP_DROP, 'malformed'))
  })

  describe('drops foreign messages without a state change', () => {
    const cases: Array<[string, Buffer]> = [
      ['another cluster id', raftFrame(vote({clusterId: CLUSTER_ID + 1}))],
      ['a sender that is not a member', raftFrame(vote({senderId: 9}))],
      ['a member address claiming another node id', raftFrame(vote({senderId: 3}), {srcIp: '10.0.0.2'})],
      ['our own node id', raftFrame(vote({senderId: 1}))],
      ['a VoteRequest from a learner', raftFrame(vote({senderId: 6}))],
      ['a Heartbeat from a learner', raftFrame({...vote({senderId: 6}), type: 'Heartbeat'})],
    ]
    for (const [name, frame] of cases) test(name, () => expectUntouched(frame, XDP_DROP, 'foreign'))

    test('everything while the node is not configured', async () => {
      node.maps.clearConfig()
      try {
        await expectUntouched(raftFrame(vote()), XDP_DROP, 'foreign')
      } finally {
        node.maps.writeConfig(NODE_CONFIG)
      }
    })
  })

  test('drops every raft message while crashed, and answers again after', async () => {
    node.maps.setCrashed(true)
    await expectUntouched(raftFrame(vote()), XDP_DROP, 'crashed')
    node.maps.setCrashed(false)
    assert.equal((await node.run(raftFrame(vote()))).action, XDP_TX)
  })

  test('refuses a term above the term limit and reports it', async () => {
    node.maps.writeConfig({...NODE_CONFIG, termLimit: 5n})
    try {
      await expectUntouched(raftFrame(vote({term: 6n})), XDP_DROP, 'refused')
      const [event] = await node.waitForEvents(1)
      assert.equal(event.type, 'RAFT_EV_TERM_LIMIT')
      assert.equal(event.value, 6n)
    } finally {
      node.maps.writeConfig(NODE_CONFIG)
    }
  })

  test('§9.6: a PreVoteRequest above the term limit is answered, denied, without a term-limit event', async () => {
    // Granting it would promise a vote the limit refuses: a candidate could raise its term forever.
    node.maps.writeConfig({...NODE_CONFIG, termLimit: 5n})
    try {
      const above = await node.run(raftFrame({...vote({term: 9n}), type: 'PreVoteRequest'}))
      assert.equal(above.action, XDP_TX)
      assert.deepEqual([above.message!.type, above.message!.flag, above.message!.term], ['PreVoteResponse', false, 5n])
      const [event] = await node.waitForEvents(1)
      assert.deepEqual([event.type, event.msg_type, event.value], ['RAFT_EV_PRE_VOTE_DENIED', 'RAFT_MSG_PRE_VOTE_REQUEST', 9n])
      node.reset({term: 4n, votedFor: 0, role: 'follower'})
      const within = await node.run(raftFrame({...vote({term: 5n}), type: 'PreVoteRequest'}))
      assert.equal(within.message!.flag, true, 'at the limit it is granted')
      assert.deepEqual(node.store.load(), {term: 4n, votedFor: 0, role: 'follower'})
    } finally {
      node.maps.writeConfig(NODE_CONFIG)
    }
  })

  test('§9.6: the leader lease ends T after the last heartbeat: a PreVote is denied within it, granted after', async () => {
    node.reset({term: 5n, votedFor: 0, role: 'follower'})
    const t = NODE_CONFIG.electionTimeoutMinNs
    const pre = () => node.run(raftFrame({...vote({term: 6n}), type: 'PreVoteRequest'}))
    node.maps.writeLeaderHeard(process.hrtime.bigint() - 10_000_000n) // heard 10 ms ago
    assert.equal((await pre()).message!.flag, false, 'within T: denied')
    node.maps.writeLeaderHeard(process.hrtime.bigint() - t - 1n)
    assert.equal((await pre()).message!.flag, true, 'T after: granted')
    const state = node.maps.readState()
    assert.equal(state.timerResetKtimeNs, 0n, 'answering never resets the election timer')
    const events = await node.waitForEvents(2)
    assert.deepEqual(events.map((e) => e.type), ['RAFT_EV_PRE_VOTE_DENIED', 'RAFT_EV_PRE_VOTE_GRANTED'])
  })

  test('§9.6: a member\'s PreVoteResponse goes up to the socket, counted as to_user; a learner\'s is foreign', async () => {
    const before = stats(node)
    const response = {...vote({term: 4n}), type: 'PreVoteResponse', flag: true} as const
    assert.equal((await node.run(raftFrame(response))).action, XDP_PASS)
    await expectUntouched(raftFrame({...response, senderId: 6}), XDP_DROP, 'foreign')
    const now = stats(node)
    assert.deepEqual([now.rx - before.rx, now.to_user - before.to_user, now.passed - before.passed], [1n, 1n, 0n])
  })

  describe('answers well-formed variants', () => {
    const cases: Array<[string, Partial<FrameSpec>]> = [
      ['plain', {}],
      ['one VLAN tag', {vlanIds: [100]}],
      ['two VLAN tags (QinQ)', {vlanIds: [100, 200]}],
      ['IP options (IHL 6)', {ipOptions: Buffer.from([1, 1, 1, 0])}],
      ['IP options (IHL 15)', {ipOptions: Buffer.alloc(40, 1)}],
      ['padded to the Ethernet minimum and beyond', {padTo: 96}],
      ['from an ephemeral source port', {srcPort: 40123}],
    ]
    for (const [name, spec] of cases) {
      test(name, async () => {
        const request = raftFrame(vote(), spec)
        const sent = parseFrame(request)
        const result = await node.run(request)
        assert.equal(result.action, XDP_TX)
        const reply = result.reply!
        assert.deepEqual([reply.ethSrc, reply.ethDst], [sent.ethDst, sent.ethSrc], 'MACs swapped')
        assert.deepEqual([reply.srcIp, reply.dstIp], [sent.dstIp, sent.srcIp], 'addresses swapped')
        assert.deepEqual([reply.srcPort, reply.dstPort], [sent.dstPort, sent.srcPort], 'ports swapped')
        assert.deepEqual(reply.vlanIds, sent.vlanIds, 'VLAN tags kept')
        assert.ok(reply.ipChecksumOk, 'IP header checksum valid')
        assert.ok(reply.udpChecksumOk && reply.udpChecksum !== 0, 'full UDP checksum written')
        assert.equal(result.frame.length, request.length, 'frame length unchanged')
        assert.deepEqual(result.message, {...vote(), type: 'VoteResponse', flag: true, senderId: 1})
      })
    }
  })

  test('counts rx and tx for an answered request, rx and consumed for a response', async () => {
    const before = stats(node)
    await node.run(raftFrame(vote()))
    await node.run(raftFrame({...vote(), type: 'HeartbeatAck', term: 5n, flag: true}))
    const now = stats(node)
    assert.deepEqual([now.rx - before.rx, now.tx - before.tx, now.consumed - before.consumed], [2n, 1n, 1n])
  })

  test('emits an event per decision, with kernel time, terms and roles', async () => {
    const start = process.hrtime.bigint()
    await node.run(raftFrame(vote({term: 7n})))
    const [event] = await node.waitForEvents(1)
    assert.equal(event.type, 'RAFT_EV_VOTE_GRANTED')
    assert.equal(event.msg_type, 'RAFT_MSG_VOTE_REQUEST')
    assert.deepEqual([event.prev_term, event.term, event.peer_id], [5n, 7n, 2])
    assert.deepEqual([event.prev_role, event.role], ['RAFT_FOLLOWER', 'RAFT_FOLLOWER'])
    assert.ok((event.ktime_ns as bigint) >= start && (event.ktime_ns as bigint) <= process.hrtime.bigint())
  })

  test('a follower reports a heartbeat only when it brings news: a new leader, term or role', async () => {
    node.reset({term: 5n, votedFor: 0, role: 'follower'})
    const heartbeat = (from: number, term: bigint) => node.run(raftFrame({...vote({term, senderId: from}), type: 'Heartbeat'}))
    for (const [from, term] of [[2, 5n], [2, 5n], [3, 5n], [3, 5n], [3, 6n]] as const) {
      assert.equal((await heartbeat(from, term)).message!.flag, true, `n${from}'s heartbeat of term ${term} is acked`)
    }
    const state = node.maps.readState()
    assert.ok(state.timerResetKtimeNs > 0n && state.leaderHeardKtimeNs === state.timerResetKtimeNs, 'every one resets the timer')
    const events = await node.waitForEvents(3)
    assert.deepEqual(events.map((e) => [e.type, e.peer_id, e.term]),
      [['RAFT_EV_HEARTBEAT', 2, 5n], ['RAFT_EV_HEARTBEAT', 3, 5n], ['RAFT_EV_HEARTBEAT', 3, 6n]])
    node.maps.setCrashed(false) // a process (re)starting or a crash ending: the leader must be reported again
    await heartbeat(3, 6n)
    assert.deepEqual((await node.waitForEvents(4)).slice(3).map((e) => [e.type, e.peer_id]), [['RAFT_EV_HEARTBEAT', 3]])
  })

  test('a leader records a follower ack with its round trip from the echoed send time', async () => {
    node.reset({term: 5n, votedFor: 1, role: 'leader'})
    const sentAt = process.hrtime.bigint() - 2_000_000n
    const result = await node.run(raftFrame({...vote(), type: 'HeartbeatAck', term: 5n, flag: true, echo: sentAt}))
    assert.equal(result.action, XDP_DROP)
    const peer = node.maps.readPeers().find((p) => p.nodeId === 2)!
    assert.ok(peer.rttNs >= 2_000_000n && peer.rttNs < 2_000_000_000n, `rtt ${peer.rttNs} ns`)
    assert.ok(peer.lastAckKtimeNs > sentAt)
    const [event] = await node.waitForEvents(1)
    assert.deepEqual([event.type, event.value], ['RAFT_EV_ACK_RECEIVED', peer.rttNs])
  })

  test('a learner\'s ack is recorded for the followers view, never counted', async () => {
    node.reset({term: 5n, votedFor: 1, role: 'leader'})
    const result = await node.run(raftFrame({...vote({senderId: 6}), type: 'HeartbeatAck', term: 5n, flag: true}))
    assert.equal(result.action, XDP_DROP)
    assert.equal(node.maps.readPeers().find((p) => p.nodeId === 6)!.acks, 1n)
    assert.deepEqual(node.store.load(), {term: 5n, votedFor: 1, role: 'leader'})
  })

  test('a vote counted in one term never counts in another, however far apart', async () => {
    const granted = (senderId: number, term: bigint) =>
      raftFrame({...vote({senderId, term}), type: 'VoteResponse', flag: true})
    node.reset({term: 6n, votedFor: 1, role: 'candidate'})
    await node.run(granted(2, 6n))
    // 65536 terms later the low 16 bits of the term are the same again
    assert.ok(node.store.compareAndSwap(node.store.load(), {term: 6n + 65536n, votedFor: 1, role: 'candidate'}))
    await node.run(granted(3, 6n + 65536n))
    assert.equal(node.store.load().role, 'candidate', 'two votes of five are no majority')
    assert.deepEqual(node.maps.readState().tally, {voters: 0b101, term: 6n + 65536n})
  })

  test('a candidate becomes leader on the quorum-making vote and says so once', async () => {
    node.reset({term: 6n, votedFor: 1, role: 'candidate'})
    const granted = (senderId: number) => raftFrame({...vote({senderId}), type: 'VoteResponse', flag: true})
    await node.run(granted(2))
    await node.run(granted(2))
    assert.equal(node.store.load().role, 'candidate', 'a repeated vote is not counted twice')
    await node.run(granted(4))
    assert.deepEqual(node.store.load(), {term: 6n, votedFor: 1, role: 'leader'})
    assert.equal(node.maps.readState().leaderId, 1)
    const events = await node.waitForEvents(3)
    assert.deepEqual(events.map((e) => [e.type, e.value]),
      [['RAFT_EV_VOTE_COUNTED', 2n], ['RAFT_EV_VOTE_COUNTED', 2n], ['RAFT_EV_QUORUM_REACHED', 3n]])
  })
})

describe('configuration written for the program', () => {
  let node: KernelNode
  before(async () => {
    node = await KernelNode.load()
  })
  after(() => node?.close())

  const badConfigs: Array<[string, Partial<typeof NODE_CONFIG>, RegExp]> = [
    ['node id 0', {nodeId: 0}, /node id must be a whole number from 1 to 65535/],
    ['node id beyond 16 bits', {nodeId: 65537}, /node id must be/],
    ['cluster size 0', {clusterSize: 0}, /cluster size must be a whole number from 1 to 18/],
    ['more voters than the tally has bits', {clusterSize: 19}, /cluster size/],
    ['self index outside the cluster', {selfIndex: 5}, /self index must be a whole number from 0 to 4/],
    ['a bad address', {selfAddr: '10.0.0'}, /not an IPv4 address/],
    ['no election timeout', {electionTimeoutMinNs: 0n}, /minimum election timeout must be/],
    ['an election timeout in ms, not ns, times a million', {electionTimeoutMinNs: 150n * 10n ** 15n}, /minimum election timeout must be/],
  ]
  for (const [name, change, message] of badConfigs) {
    test(`refuses ${name}`, () => {
      assert.throws(() => node.maps.writeConfig({...NODE_CONFIG, ...change}), message)
      assert.deepEqual(node.maps.readConfig().nodeId, NODE_CONFIG.nodeId, 'the old config stays')
    })
  }

  const peer = (addr: string, nodeId: number, index: number, voter = true) => ({addr, nodeId, index, voter})
  const badPeers: Array<[string, ReturnType<typeof peer>[], RegExp]> = [
    ['a duplicate address', [peer('10.0.0.2', 2, 1), peer('10.0.0.2', 3, 2)], /listed twice/],
    ['a duplicate node id', [peer('10.0.0.2', 2, 1), peer('10.0.0.3', 2, 2)], /node id 2 is given to two peers/],
    ['two voters on one tally bit', [peer('10.0.0.2', 2, 1), peer('10.0.0.3', 3, 1)], /tally index 1 is given to two voters/],
    ['a tally index beyond 18 voters', [peer('10.0.0.2', 2, 18)], /tally index of 10.0.0.2/],
    ['a node id beyond 16 bits', [peer('10.0.0.2', 65537, 1)], /node id of 10.0.0.2/],
  ]
  for (const [name, peers, message] of badPeers) {
    test(`refuses peers with ${name}`, () => {
      assert.throws(() => node.maps.writePeers(peers), message)
      assert.equal(node.maps.readPeers().length, 6, 'the old peers stay')
    })
  }
})
