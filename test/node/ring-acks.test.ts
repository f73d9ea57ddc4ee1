// The XDP program puts acks in the ring buffer without waking its reader (one wake-up per ack was
// most of a leader's CPU), so they reach the node up to a poll timeout (100 ms) late, longer than
// check-quorum's window at aggressive timeouts (2T = 60 ms). The leader reads who acked from the
// kernel's peer records instead; the memory dataplane holds ack events back as the ring does.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {linesOf} from './helpers/memory-node.js'
import {MemoryCluster} from './helpers/memory-cluster.js'

describe('acks that wait in the ring', () => {
  it('a healthy leader at 6 ms heartbeats and T = 30 ms keeps its term, and its view shows every ack', async () => {
    const cluster = new MemoryCluster(3, 'xdp', 7, () => ({heartbeatIntervalMs: 6, electionTimeoutMinMs: 30}))
    await cluster.start()
    const leader = cluster.electLeader()
    const term = cluster.node(leader).runtime.state().term
    cluster.clock.advance(2000)
    assert.equal(cluster.agreedLeader(), leader)
    assert.equal(cluster.node(leader).runtime.state().term, term)
    for (const node of cluster.nodes) assert.deepEqual(linesOf(node, 'check-quorum-failed'), [], `n${node.id} check-quorum`)
    const followers = cluster.node(leader).runtime.followers()
    assert.equal(followers.length, 2)
    for (const f of followers) assert.ok(f.lastAckMsAgo !== undefined && f.lastAckMsAgo <= 6, JSON.stringify(f))
    await cluster.stop()
  })
})
