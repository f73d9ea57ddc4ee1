// Learners (POST/DELETE /followers): a leader heartbeats them and records their acks, they never
// count toward a quorum, and voting membership cannot be changed through them.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {MAX_PEERS} from '../../src/dataplane/xdp/maps.js'
import {ControlError} from '../../src/node/control.js'
import {WirePeer} from './helpers/memory-node.js'
import {MemoryCluster, type Style} from './helpers/memory-cluster.js'

const LEARNER = '10.0.0.9'

function status(e: unknown): number {
  return (e as ControlError).status
}

for (const style of ['userspace', 'xdp'] as Style[]) {
  describe(`learners (${style})`, () => {
    it('the leader heartbeats a learner, records its acks with a round trip, and stops once it is removed', async () => {
      const cluster = new MemoryCluster(3, style, 5)
      await cluster.start()
      const leader = cluster.node(cluster.electLeader())
      const view = leader.runtime.addLearner(LEARNER)
      assert.deepEqual(view, {id: 4, addr: LEARNER, voter: false})
      const learner = new WirePeer(cluster.network, {id: 4, addr: LEARNER}, leader.addr)
      cluster.clock.advance(200)
      const beats = learner.of('Heartbeat')
      assert.ok(beats.length >= 3, `${beats.length} heartbeats in 200 ms`)
      const term = BigInt(leader.runtime.state().term)
      assert.ok(beats.every((m) => m.term === term && m.senderId === leader.id))
      learner.send({type: 'HeartbeatAck', term, flag: true, echo: beats.at(-1)!.echo})
      cluster.clock.advance(3)
      const row = leader.runtime.followers().find((f) => f.addr === LEARNER)
      assert.equal(row?.voter, false)
      assert.ok(row?.lastAckMsAgo !== undefined && row.lastAckMsAgo < 10, JSON.stringify(row))
      assert.ok(row?.heartbeatRttMs !== undefined && row.heartbeatRttMs >= 0, JSON.stringify(row))
      assert.deepEqual(leader.runtime.followers().filter((f) => f.voter).map((f) => f.id).sort(),
        [1, 2, 3].filter((id) => id !== leader.id))
      leader.runtime.removeLearner(LEARNER)
      cluster.clock.advance(5)
      const count = learner.received.length
      cluster.clock.advance(300)
      assert.equal(learner.received.length, count, 'a removed learner still gets heartbeats')
      await cluster.stop()
    })

    it('acks of a learner never make a quorum: a leader whose voters are gone steps down (check-quorum)', async () => {
      const cluster = new MemoryCluster(3, style, 5)
      await cluster.start()
      const leader = cluster.node(cluster.electLeader())
      leader.runtime.addLearner(LEARNER)
      const learner = new WirePeer(cluster.network, {id: 4, addr: LEARNER}, leader.addr)
      for (const n of cluster.nodes) if (n !== leader) void n.runtime.crash(60_000)
      for (let t = 0; t < 600; t += 10) {
        const beat = learner.of('Heartbeat').at(-1)
        if (beat) learner.send({type: 'HeartbeatAck', term: beat.term, flag: true, echo: beat.echo})
        cluster.clock.advance(10)
      }
      assert.notEqual(leader.runtime.state().role, 'leader')
      await cluster.stop()
    })

    it('a learner cannot campaign: its VoteRequest gets no answer and no vote', async () => {
      const cluster = new MemoryCluster(3, style, 5)
      await cluster.start()
      const node = cluster.node(1)
      node.runtime.addLearner(LEARNER, 9)
      const learner = new WirePeer(cluster.network, {id: 9, addr: LEARNER}, node.addr)
      learner.send({type: 'VoteRequest', term: 50n})
      cluster.clock.advance(5)
      assert.deepEqual(learner.of('VoteResponse'), [])
      assert.notEqual(node.runtime.state().term, '50')
      await cluster.stop()
    })

    it('rejects bad addresses (400), voting members (409), taken ids (409) and unknown learners (404)', async () => {
      const cluster = new MemoryCluster(3, style)
      await cluster.start()
      const runtime = cluster.node(1).runtime
      assert.throws(() => runtime.addLearner('10.0.0'), (e) => status(e) === 400)
      for (const addr of ['0.0.0.0', '127.0.0.1', '224.0.0.1', '255.255.255.255']) {
        assert.throws(() => runtime.addLearner(addr), (e) => status(e) === 400, addr)
      }
      assert.throws(() => runtime.addLearner('10.0.0.2'), (e) => status(e) === 409 && /voting member n2/.test((e as Error).message))
      assert.throws(() => runtime.addLearner(LEARNER, 2), (e) => status(e) === 409)
      assert.throws(() => runtime.addLearner(LEARNER, 0), (e) => status(e) === 400)
      assert.deepEqual(runtime.addLearner(LEARNER, 7), {id: 7, addr: LEARNER, voter: false})
      assert.deepEqual(runtime.addLearner(LEARNER), {id: 7, addr: LEARNER, voter: false}, 'adding again changes nothing')
      assert.throws(() => runtime.addLearner(LEARNER, 8), (e) => status(e) === 409)
      assert.throws(() => runtime.removeLearner('10.0.0.3'), (e) => status(e) === 409)
      assert.throws(() => runtime.removeLearner('10.0.0.10'), (e) => status(e) === 404)
      runtime.removeLearner(LEARNER)
      assert.deepEqual(runtime.followers().map((f) => f.id), [2, 3])
      await cluster.stop()
    })

    it(`takes learners until the kernel's peer table (${MAX_PEERS} entries) is full, then says so (409)`, async () => {
      const cluster = new MemoryCluster(3, style)
      await cluster.start()
      const runtime = cluster.node(1).runtime
      const room = MAX_PEERS - 3
      for (let i = 0; i < room; i++) runtime.addLearner(`10.1.${i >> 8}.${(i & 255) + 1}`)
      assert.throws(() => runtime.addLearner('10.2.0.1'), (e) => status(e) === 409 &&
        /at most 253 learners beside its 3 members .*remove one first/.test((e as Error).message))
      assert.equal(runtime.followers().length, 2 + room, 'the refused one is not kept')
      runtime.removeLearner('10.1.0.1')
      runtime.addLearner('10.2.0.1')
      await cluster.stop()
    })
  })
}
