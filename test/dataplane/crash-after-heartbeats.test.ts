// --crash-after-heartbeats on real processes: a leader that sent N heartbeat rounds behaves as
// crashed for good: no more heartbeats, and every raft packet is dropped (by the XDP program in
// the kernel, or by Node), while the process keeps running until SIGTERM.
import assert from 'node:assert/strict'
import {setTimeout as sleep} from 'node:timers/promises'
import {after, before, describe, it} from 'node:test'
import {waitFor} from '../helpers/waiting.js'
import {processTarget} from './helpers/process-target.js'
import type {Target} from './helpers/sides.js'

for (const dataplane of ['xdp', 'userspace'] as const) {
  describe(`--crash-after-heartbeats 3 (${dataplane})`, {timeout: 60_000}, () => {
    let t: Target

    before(async () => {
      t = await processTarget({dataplane, subnet: dataplane === 'xdp' ? 35 : 36, electionTimeoutMs: '300-400',
        extraArgs: ['--crash-after-heartbeats', '3']})
      await t.node.start()
    })

    after(async () => {
      await t?.cleanup()
    })

    it('leads, sends exactly 3 heartbeat rounds, then drops everything until stopped', async () => {
      // §9.6: it asks for pre-votes first; one grant (2 of 3) lets it campaign.
      await waitFor('a PreVoteRequest', () => t.peers.received().some((r) => r.msg.type === 'PreVoteRequest'), 3000)
      while (!t.peers.received().some((r) => r.msg.type === 'VoteRequest')) {
        const pre = t.peers.received().filter((r) => r.msg.type === 'PreVoteRequest').at(-1)!.msg
        t.peers.send(0, {type: 'PreVoteResponse', term: pre.term - 1n, flag: true, echo: pre.echo})
        await sleep(50)
      }
      const request = t.peers.received().find((r) => r.msg.type === 'VoteRequest')!.msg
      // Answered until the vote counts: an xdp node may refuse a term above its limit once.
      while (!t.node.lines().some((l) => l.kind === 'became-leader')) {
        t.peers.send(0, {type: 'VoteResponse', term: request.term, flag: true, echo: request.echo})
        await sleep(50)
      }
      await waitFor('the crash', () => t.node.lines().some((l) => l.kind === 'crash-started'), 3000)
      await sleep(300)
      const beats = t.peers.received().filter((r) => r.peer === 1 && r.msg.type === 'Heartbeat')
      assert.equal(beats.length, 3, `n3 got ${beats.length} heartbeats`)
      const before = t.peers.received().length
      for (let i = 0; i < 10; i++) {
        t.peers.send(1, {type: 'VoteRequest', term: request.term + 1n})
        t.peers.send(1, {type: 'Heartbeat', term: request.term + 1n})
        await sleep(50)
      }
      await sleep(200)
      assert.deepEqual(t.peers.received().slice(before).map((r) => r.msg.type), [], 'a crashed node answered')
      assert.equal(await t.node.stop(), 0)
    })
  })
}
