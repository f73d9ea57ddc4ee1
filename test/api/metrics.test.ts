/**
 * GET /metrics: a valid Prometheus exposition with raftctl's families, counters fed by the
 * node's raft and kernel events, the round-trip histogram fed by ack events, gauges read from
 * state() at scrape time, and a registry of its own per server.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {register} from 'prom-client'
import {RTT_BUCKETS_SECONDS} from '../../src/api/metrics.js'
import {startApiServer, type ApiServer} from '../../src/api/server.js'
import {FakeControl, leaderState} from './fake-control.js'
import {request} from './http.js'
import {parseExposition, sampleValue, type Family} from './prometheus.js'

const FAMILIES: Record<string, string> = {
  raftctl_term: 'gauge',
  raftctl_role: 'gauge',
  raftctl_crashed: 'gauge',
  raftctl_leader_changes_total: 'counter',
  raftctl_elections_started_total: 'counter',
  raftctl_elections_won_total: 'counter',
  raftctl_votes_granted_total: 'counter',
  raftctl_votes_denied_total: 'counter',
  raftctl_heartbeat_rtt_seconds: 'histogram',
}

describe('GET /metrics', () => {
  let control: FakeControl
  let server: ApiServer
  const scrape = async (): Promise<Map<string, Family>> => {
    const answer = await request(server.url, 'GET', '/metrics')
    assert.equal(answer.status, 200)
    return parseExposition(answer.text)
  }

  before(async () => {
    control = new FakeControl()
    server = await startApiServer(control, {port: 0})
  })
  after(() => server?.close())

  it('is the Prometheus text format, version 0.0.4', async () => {
    const answer = await request(server.url, 'GET', '/metrics')
    assert.equal(answer.contentType, 'text/plain; version=0.0.4; charset=utf-8')
  })

  it("has raftctl's families with their types and help, and nothing else", async () => {
    const families = await scrape()
    assert.deepEqual(Object.fromEntries([...families].map(([name, f]) => [name, f.type])), FAMILIES)
    for (const [name, family] of families) assert.ok(family.help.length > 10, `${name} has help`)
  })

  it('reads term, role and crashed from state() at scrape time', async () => {
    let families = await scrape()
    assert.equal(sampleValue(families, 'raftctl_term'), 5)
    assert.deepEqual(['follower', 'candidate', 'leader'].map((role) => sampleValue(families, 'raftctl_role', {role})), [0, 0, 1])
    assert.equal(sampleValue(families, 'raftctl_crashed'), 0)
    control.current = {...leaderState(), role: 'candidate', term: '7', crashed: true}
    families = await scrape()
    assert.equal(sampleValue(families, 'raftctl_term'), 7)
    assert.deepEqual(['follower', 'candidate', 'leader'].map((role) => sampleValue(families, 'raftctl_role', {role})), [0, 1, 0])
    assert.equal(sampleValue(families, 'raftctl_crashed'), 1)
    control.current = leaderState()
  })

  it('counts elections, leader changes and votes from raft and kernel events', async () => {
    const counters = (f: Map<string, Family>) => ({
      started: sampleValue(f, 'raftctl_elections_started_total'),
      won: sampleValue(f, 'raftctl_elections_won_total'),
      leaderChanges: sampleValue(f, 'raftctl_leader_changes_total'),
      grantedKernel: sampleValue(f, 'raftctl_votes_granted_total', {source: 'kernel'}),
      grantedUser: sampleValue(f, 'raftctl_votes_granted_total', {source: 'userspace'}),
      deniedKernel: sampleValue(f, 'raftctl_votes_denied_total', {source: 'kernel'}),
      deniedUser: sampleValue(f, 'raftctl_votes_denied_total', {source: 'userspace'}),
    })
    const was = counters(await scrape())
    control.emitRaft({kind: 'became-candidate', peers: [2, 3]})
    control.emitRaft({kind: 'became-candidate', peers: [2, 3]})
    control.emitRaft({kind: 'became-leader', electionMs: 4, votes: 2, clusterSize: 3, by: 'store'})
    control.emitRaft({kind: 'leader-changed', peerId: 2, previous: 1})
    control.emitRaft({kind: 'vote-granted', peerId: 2})
    control.emitRaft({kind: 'vote-denied', peerId: 3, votedFor: 2})
    control.emitRaft({kind: 'vote-denied', peerId: 3, votedFor: 2})
    control.emitKernel('RAFT_EV_VOTE_GRANTED', 0n)
    control.emitKernel('RAFT_EV_VOTE_GRANTED', 0n)
    control.emitKernel('RAFT_EV_VOTE_GRANTED', 0n)
    control.emitKernel('RAFT_EV_VOTE_DENIED', 6n)
    // Events that count nothing here: a heartbeat, a vote counted by a candidate, a lifecycle event.
    control.emitKernel('RAFT_EV_HEARTBEAT', 0n)
    control.emitRaft({kind: 'vote-received', peerId: 2, granted: 2, quorum: 2, clusterSize: 3})
    control.emit({source: 'node', kind: 'started', atMs: 0})
    const now = counters(await scrape())
    assert.deepEqual({
      started: now.started - was.started, won: now.won - was.won, leaderChanges: now.leaderChanges - was.leaderChanges,
      grantedKernel: now.grantedKernel - was.grantedKernel, grantedUser: now.grantedUser - was.grantedUser,
      deniedKernel: now.deniedKernel - was.deniedKernel, deniedUser: now.deniedUser - was.deniedUser,
    }, {started: 2, won: 1, leaderChanges: 2, grantedKernel: 3, grantedUser: 1, deniedKernel: 1, deniedUser: 2})
  })

  it('observes the round trip of each ack (in ns) in the histogram, in seconds', async () => {
    let families = await scrape()
    const count = (f: Map<string, Family>) => sampleValue(f, 'raftctl_heartbeat_rtt_seconds', {}, '_count')
    assert.equal(count(families), 0)
    const les = families.get('raftctl_heartbeat_rtt_seconds')!.samples.filter((s) => s.name.endsWith('_bucket')).map((s) => s.labels.le)
    assert.deepEqual(les, [...RTT_BUCKETS_SECONDS.map(String), '+Inf'])
    assert.deepEqual([Number(les[0]), Number(les.at(-2))], [10e-6, 1], 'buckets span 10 µs .. 1 s')

    control.emit({source: 'ack', peerId: 2, rttNs: 42_000, atMs: 0}) // 42 µs
    families = await scrape()
    const bucket = (le: string) => sampleValue(families, 'raftctl_heartbeat_rtt_seconds', {le}, '_bucket')
    assert.deepEqual([bucket('0.000025'), bucket('0.00005'), bucket('1'), bucket('+Inf')], [0, 1, 1, 1])
    assert.equal(count(families), 1)
    assert.ok(Math.abs(sampleValue(families, 'raftctl_heartbeat_rtt_seconds', {}, '_sum') - 42e-6) < 1e-12)
  })

  it('keeps a registry per server: other nodes and the global registry see none of it', async () => {
    const other = new FakeControl()
    const second = await startApiServer(other, {port: 0})
    try {
      control.emitKernel('RAFT_EV_VOTE_GRANTED', 0n)
      const mine = sampleValue(await scrape(), 'raftctl_votes_granted_total', {source: 'kernel'})
      const theirs = parseExposition((await request(second.url, 'GET', '/metrics')).text)
      assert.ok(mine >= 1)
      assert.equal(sampleValue(theirs, 'raftctl_votes_granted_total', {source: 'kernel'}), 0)
      assert.equal(register.getSingleMetric('raftctl_term'), undefined)
    } finally {
      await second.close()
    }
  })
})

describe('the exposition reader used above', () => {
  it('rejects what the format does not allow, so the checks above can fail', () => {
    assert.throws(() => parseExposition('raftctl_term 5'), /newline/)
    assert.throws(() => parseExposition('raftctl_term 5\n'), /no TYPE line/)
    assert.throws(() => parseExposition('# TYPE raftctl_term gauge\nraftctl_term five\n'), /bad value/)
    assert.throws(() => parseExposition('# TYPE raftctl_term gauge\nraftctl-term 5\n'), /not a line/)
    assert.throws(() => parseExposition('# TYPE h histogram\nh_bucket{le=0.1} 1\n'), /not a line/)
  })
})
