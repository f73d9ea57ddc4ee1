// The shared election rule table, run against the XDP program through prog test-run.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {electionCases} from '../cases/election-cases.js'
import {raftFrame} from './frames.js'
import {CLUSTER_ID, KernelNode, SELF_ID, XDP_DROP, XDP_PASS, XDP_TX} from './harness.js'

describe('election rules in the XDP program', () => {
  let node: KernelNode
  before(async () => {
    node = await KernelNode.load()
  })
  after(() => node?.close())

  for (const c of electionCases) {
    test(c.name, async () => {
      node.reset(c.before, c.votesBefore, c.leaderHeardRecently)
      const {type, from, term, flag = false} = c.message
      const frame = raftFrame({type, flag, clusterId: CLUSTER_ID, senderId: from, term, echo: 42n})
      const result = await node.run(frame)

      if (c.expect.reply) {
        assert.equal(result.action, XDP_TX, 'the program answers in the kernel')
        const m = result.message!
        assert.deepEqual({type: m.type, term: m.term, flag: m.flag}, c.expect.reply)
        assert.deepEqual({sender: m.senderId, cluster: m.clusterId, echo: m.echo}, {sender: SELF_ID, cluster: CLUSTER_ID, echo: 42n})
        assert.equal(result.reply!.dstIp, `10.0.0.${from}`)
        assert.ok(result.reply!.udpChecksumOk, 'the reply carries a valid UDP checksum')
      } else if (c.expect.passedUp) {
        assert.equal(result.action, XDP_PASS, 'passed up to the node\'s socket for its pre-vote count')
        assert.deepEqual(result.frame, frame, 'the frame goes up unchanged')
      } else {
        assert.equal(result.action, XDP_DROP, 'no reply: the frame is consumed')
      }
      assert.deepEqual(node.store.load(), c.expect.after)
      const state = node.maps.readState()
      assert.equal(state.timerResetKtimeNs > 0n, c.expect.timerReset, 'election timer reset')
      if (c.expect.leaderId !== undefined) assert.equal(state.leaderId, c.expect.leaderId)
    })
  }
})
