// A heartbeat's echo is its own send time: on veth a send runs the whole path to the peer before
// it returns, and a stamp shared by a round would add the earlier sends to later round trips.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {MemoryCluster, type Style} from './helpers/memory-cluster.js'

const SEND_MS = 0.25

for (const style of ['userspace', 'xdp'] as Style[]) {
  describe(`heartbeat send stamps (${style})`, () => {
    it('each heartbeat of a round carries the time of its own send', async () => {
      const cluster = new MemoryCluster(5, style, 3)
      await cluster.start()
      const leader = cluster.node(cluster.electLeader())
      const send = leader.dataplane.send.bind(leader.dataplane)
      leader.dataplane.send = (to, message) => {
        send(to, message)
        cluster.clock.spend(SEND_MS) // the send path, synchronous as on veth
      }
      const from = leader.ops.length
      cluster.clock.advance(leader.runtime.state().heartbeatIntervalMs)
      const beats = leader.ops.slice(from).flatMap((op) => op.op === 'send' && op.message.type === 'Heartbeat' ? [op.message] : [])
      assert.ok(beats.length >= 4, `${beats.length} heartbeats`)
      const round = beats.slice(0, 4)
      const gaps = round.slice(1).map((m, i) => Number(m.echo - round[i].echo) / 1e6)
      assert.deepEqual(gaps, [SEND_MS, SEND_MS, SEND_MS], 'echo gaps between the heartbeats of one round (ms)')
      await cluster.stop()
    })
  })
}
