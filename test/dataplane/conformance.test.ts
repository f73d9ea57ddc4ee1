// One conformance suite for every dataplane (hashicorp/raft's transport_test habit), black-box at
// the node level: peers speak the wire protocol to a running node and read its NDJSON log. The XDP
// and userspace targets are real `raftctl run` processes in network namespaces; the memory fake
// runs the same cases in-process. The cases run in order on one node, as a story: vote, stale
// messages, foreign traffic, heartbeats, timeout, election, step-down, kill -9 and restart.
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {after, before, describe, it} from 'node:test'
import type {WireMessage} from '../../src/dataplane/wire.js'
import {waitFor} from '../helpers/waiting.js'
import {memoryTarget} from './helpers/memory-target.js'
import {processTarget} from './helpers/process-target.js'
import type {LogLine, Received, Target} from './helpers/sides.js'

const N2 = 0
const N3 = 1
const MAX_TIMEOUT_MS = 2000

const targets: Array<[string, () => Promise<Target>]> = [
  ['xdp', () => processTarget({dataplane: 'xdp', subnet: 31})],
  ['userspace', () => processTarget({dataplane: 'userspace', subnet: 32})],
  ['memory, userspace style', () => memoryTarget(false)],
  ['memory, playing the kernel', () => memoryTarget(true)],
]

for (const [name, make] of targets) {
  describe(`dataplane conformance: ${name}`, {timeout: 120_000}, () => {
    let t: Target
    const lines = (): LogLine[] => t.node.lines()
    const got = (peer: number, type: WireMessage['type'], since = 0): Received[] =>
      t.peers.received().slice(since).filter((r) => r.peer === peer && r.msg.type === type)

    /**
     * Sends, again every 100 ms as a real sender retransmits (an xdp node refuses a term above its
     * persisted limit until it has raised it), and returns the first reply of `type` to that peer.
     */
    async function ask(peer: number, msg: Parameters<Target['peers']['send']>[1], type: WireMessage['type']): Promise<WireMessage> {
      const since = t.peers.received().length
      const deadline = Date.now() + 3000
      while (got(peer, type, since).length === 0) {
        if (Date.now() > deadline) throw new Error(`no ${type} to n${peer + 2} within 3 s`)
        t.peers.send(peer, msg)
        await waitFor(`a ${type} to n${peer + 2}`, () => got(peer, type, since).length > 0, 100).catch(() => undefined)
      }
      return got(peer, type, since)[0].msg
    }

    before(async () => {
      t = await make()
      await t.node.start()
    })

    after(async () => {
      await t?.cleanup()
    })

    it('starts as a follower of term 0 that voted for no one', () => {
      const started = lines().find((l) => l.kind === 'started')!
      assert.deepEqual([started.role, started.term, started.votedFor, started.nodeId], ['follower', '0', 0, 1])
    })

    it('rule 2: grants one vote per term, the same one again on a repeated request, and denies another candidate', async () => {
      assert.deepEqual(pick(await ask(N2, {type: 'VoteRequest', term: 5n, echo: 11n}, 'VoteResponse')), ['VoteResponse', 5n, true, 11n, 1])
      assert.deepEqual(pick(await ask(N3, {type: 'VoteRequest', term: 5n, echo: 12n}, 'VoteResponse')), ['VoteResponse', 5n, false, 12n, 1])
      assert.deepEqual(pick(await ask(N2, {type: 'VoteRequest', term: 5n, echo: 13n}, 'VoteResponse')), ['VoteResponse', 5n, true, 13n, 1])
      await waitFor('the vote in the log', () => lines().some((l) => l.kind === 'vote-granted' && l.peerId === 2 && l.term === '5'))
      assert.ok(!lines().some((l) => l.kind === 'vote-granted' && l.peerId === 3), 'a second vote in term 5 was logged')
    })

    it('rules 2 and 4: a stale VoteRequest or Heartbeat gets the current term back, and nothing changes', async () => {
      assert.deepEqual(pick(await ask(N3, {type: 'Heartbeat', term: 3n, echo: 21n}, 'HeartbeatAck')), ['HeartbeatAck', 5n, false, 21n, 1])
      assert.deepEqual(pick(await ask(N3, {type: 'VoteRequest', term: 4n, echo: 22n}, 'VoteResponse')), ['VoteResponse', 5n, false, 22n, 1])
    })

    it('drops foreign traffic: another cluster id, a sender id not at its address, our own id', async () => {
      const since = t.peers.received().length
      t.peers.send(N3, {type: 'VoteRequest', term: 50n, clusterId: 8})
      t.peers.send(N3, {type: 'VoteRequest', term: 51n, senderId: 2})
      t.peers.send(N3, {type: 'VoteRequest', term: 52n, senderId: 1})
      await sleep(300)
      assert.deepEqual(t.peers.received().slice(since).map((r) => pick(r.msg)), [])
      // Its term is still 5: the probe's stale answer says so.
      assert.equal((await ask(N3, {type: 'Heartbeat', term: 1n}, 'HeartbeatAck')).term, 5n)
    })

    it('rule 4: heartbeats of a current leader are acked and keep the node a follower', async () => {
      const since = t.peers.received().length
      const linesBefore = lines().length
      const until = Date.now() + 2 * MAX_TIMEOUT_MS + 500
      let sent = 0
      for (; Date.now() < until; sent++) {
        t.peers.send(N2, {type: 'Heartbeat', term: 6n, echo: BigInt(sent + 1)})
        await sleep(50)
      }
      const acks = got(N2, 'HeartbeatAck', since)
      assert.ok(acks.length >= sent * 0.8, `${acks.length} acks for ${sent} heartbeats`)
      assert.ok(acks.every((r) => r.msg.term === 6n && r.msg.flag), 'every ack is a success at term 6')
      const later = lines().slice(linesBefore)
      assert.deepEqual(later.filter((l) => /candidate|election-timeout/.test(l.kind)).map((l) => l.message), [])
      assert.ok(later.some((l) => l.kind === 'leader-changed' && l.peerId === 2), 'the new leader is logged')
      assert.deepEqual(t.peers.received().slice(since).filter((r) => r.msg.type === 'VoteRequest'), [])
    })

    it('rule 5 + §9.6: without heartbeats it asks every peer for a pre-vote for term 7, again every interval, term unchanged', async () => {
      const since = t.peers.received().length
      await waitFor('a pre-vote', () => lines().some((l) => l.kind === 'pre-vote-started' && l.term === '6'), MAX_TIMEOUT_MS + 2000)
      await sleep(300)
      for (const peer of [N2, N3]) {
        const requests = got(peer, 'PreVoteRequest', since)
        assert.ok(requests.length >= 3, `n${peer + 2} got ${requests.length} PreVoteRequests in 300 ms`)
        assert.ok(requests.every((r) => r.msg.term === 7n && r.msg.senderId === 1))
      }
      assert.deepEqual(got(N2, 'VoteRequest', since), [], 'no candidacy without a pre-vote quorum')
      assert.ok(!lines().some((l) => l.term === '7'), 'the term did not move')
    })

    it('§9.6: one granted pre-vote (quorum 2 of 3) makes it a candidate of term 7 that asks every peer, again while unanswered', async () => {
      const since = t.peers.received().length
      const request = got(N2, 'PreVoteRequest').at(-1)!.msg
      t.peers.send(N2, {type: 'PreVoteResponse', term: 6n, flag: true, echo: request.echo})
      await waitFor('a candidacy', () => lines().some((l) => l.kind === 'became-candidate' && l.term === '7'), 3000)
      await sleep(300)
      for (const peer of [N2, N3]) {
        const requests = got(peer, 'VoteRequest', since)
        assert.ok(requests.length >= 3, `n${peer + 2} got ${requests.length} VoteRequests in 300 ms`)
        assert.ok(requests.every((r) => r.msg.term === 7n && r.msg.senderId === 1))
      }
    })

    it('rule 3: a granted vote makes it leader (quorum 2 of 3) and it heartbeats every interval', async () => {
      await t.peers.autoAck(N2, true)
      await t.peers.autoAck(N3, true)
      const request = got(N2, 'VoteRequest').at(-1)!.msg
      t.peers.send(N2, {type: 'VoteResponse', term: 7n, flag: true, echo: request.echo})
      await waitFor('leadership', () => lines().some((l) => l.kind === 'became-leader' && l.term === '7' && l.role === 'leader'), 3000)
      const since = t.peers.received().length
      await sleep(1000)
      const beats = got(N3, 'Heartbeat', since)
      assert.ok(beats.length >= 14 && beats.length <= 24, `${beats.length} heartbeats in 1 s at a 50 ms interval`)
      assert.ok(beats.every((r) => r.msg.term === 7n && r.msg.senderId === 1))
      assert.deepEqual(got(N2, 'VoteRequest', since), [], 'a leader asks for no votes')
    })

    it('rule 1: a message of a higher term makes the leader step down, adopt it and stop heartbeating', async () => {
      const ack = await ask(N3, {type: 'Heartbeat', term: 9n, echo: 31n}, 'HeartbeatAck')
      assert.deepEqual(pick(ack), ['HeartbeatAck', 9n, true, 31n, 1])
      await waitFor('the step-down', () => lines().some((l) => l.role === 'follower' && l.term === '9' && l.source !== 'kernel'))
      await sleep(200)
      const since = t.peers.received().length
      await sleep(300)
      assert.deepEqual(got(N2, 'Heartbeat', since).map((r) => r.msg.term), [], 'a follower sends no heartbeats')
    })

    it('E9: after kill -9 and a restart it keeps its term and vote, and never votes twice in that term', async () => {
      await t.peers.autoAck(N2, false)
      await t.peers.autoAck(N3, false)
      assert.equal((await ask(N2, {type: 'VoteRequest', term: 12n}, 'VoteResponse')).flag, true)
      await t.node.kill()
      await t.node.start()
      const started = lines().find((l) => l.kind === 'started')!
      assert.deepEqual([started.term, started.votedFor, started.role], ['12', 2, 'follower'])
      assert.equal((await ask(N3, {type: 'VoteRequest', term: 12n}, 'VoteResponse')).flag, false, 'a second vote in term 12')
      assert.equal((await ask(N2, {type: 'VoteRequest', term: 12n}, 'VoteResponse')).flag, true)
    })

    it('stops cleanly on SIGTERM with exit code 0', async () => {
      assert.equal(await t.node.stop(), 0)
      assert.equal(lines().at(-1)?.kind, 'stopping')
    })
  })
}

/** The fields the rules decide: type, term, flag, echo, sender. */
function pick(m: WireMessage): [string, bigint, boolean, bigint, number] {
  return [m.type, m.term, m.flag, m.echo, m.senderId]
}
