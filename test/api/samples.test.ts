/**
 * GET /samples/heartbeat-rtt over a fake node: it hands over every ack's round trip since the
 * last call exactly once, ignores other events, and stays bounded when nobody asks.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {MAX_RTT_SAMPLES, type RttSamplesReply} from '../../src/api/routes/samples.js'
import {startApiServer, type ApiServer} from '../../src/api/server.js'
import {FakeControl} from './fake-control.js'
import {request} from './http.js'

describe('GET /samples/heartbeat-rtt', () => {
  let control: FakeControl
  let server: ApiServer
  const drain = async () => (await request(server.url, 'GET', '/samples/heartbeat-rtt')).json as RttSamplesReply

  before(async () => {
    control = new FakeControl()
    server = await startApiServer(control, {port: 0})
  })
  after(() => server?.close())

  it('answers each ack once, in arrival order, and nothing else', async () => {
    assert.deepEqual(await drain(), {samples: [], dropped: 0})
    control.emit({source: 'ack', peerId: 2, rttNs: 41_000, atMs: 10})
    control.emitKernel('RAFT_EV_ACK_RECEIVED', 41_000n) // the kernel's own line is not a sample: the ack event is
    control.emitRaft({kind: 'leader-changed', peerId: 3, previous: 2})
    control.emit({source: 'ack', peerId: 3, rttNs: 57_000, atMs: 11})
    assert.deepEqual(await drain(), {samples: [{peerId: 2, rttNs: 41_000, atMs: 10}, {peerId: 3, rttNs: 57_000, atMs: 11}], dropped: 0})
    assert.deepEqual(await drain(), {samples: [], dropped: 0})
  })

  it('has no HEAD route, so a probe cannot drain the samples', async () => {
    control.emit({source: 'ack', peerId: 2, rttNs: 41_000, atMs: 12})
    assert.equal((await request(server.url, 'HEAD', '/samples/heartbeat-rtt')).status, 404)
    assert.deepEqual((await drain()).samples, [{peerId: 2, rttNs: 41_000, atMs: 12}])
  })

  it('keeps the newest samples and counts the dropped ones when nobody drains it', async () => {
    const total = MAX_RTT_SAMPLES + 10
    for (let i = 0; i < total; i++) control.emit({source: 'ack', peerId: 2, rttNs: i, atMs: i})
    const reply = await drain()
    assert.equal(reply.samples.length + reply.dropped, total)
    assert.ok(reply.samples.length <= MAX_RTT_SAMPLES)
    assert.equal(reply.samples.at(-1)!.rttNs, total - 1)
    assert.equal(reply.samples[0]!.rttNs, reply.dropped)
  })
})
