// Rule 8 across restarts: a process restart (pinned maps) resumes the kernel's word; a node restart
// (state file only) resumes the saved vote, or, when the kernel may have voted beyond the file,
// starts at the saved term limit having voted for itself, so no term ever gets a second vote (E9).
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {bootHardState} from '../../src/node/durability.js'
import {StateFile} from '../../src/node/state-file.js'
import {MemoryHardStateStore} from '../../src/raft/index.js'
import {FakeClock} from './helpers/fake-clock.js'
import {fakeNetwork, linesOf, memoryNode, members, type TestNode, WirePeer} from './helpers/memory-node.js'

describe('boot state from the state file', () => {
  const cases: Array<[string, Parameters<typeof bootHardState>[0], [bigint, number]]> = [
    ['first boot: term 0, no vote', undefined, [0n, 0]],
    ['userspace (no limit): the saved vote', {term: 5n, votedFor: 3, termLimit: 0n}, [5n, 3]],
    ['xdp: the kernel may have voted up to the limit: start there, voted for self', {term: 5n, votedFor: 3, termLimit: 9n}, [9n, 1]],
    ['xdp, limit equal to the term with no vote saved: the kernel may have voted in it', {term: 9n, votedFor: 0, termLimit: 9n}, [9n, 1]],
    ['a limit below the saved term protects nothing more: the saved vote', {term: 10n, votedFor: 2, termLimit: 9n}, [10n, 2]],
  ]
  for (const [name, saved, [term, votedFor]] of cases) {
    it(name, () => assert.deepEqual(bootHardState(saved, 1), {term, votedFor, role: 'follower'}))
  }
})

describe('the state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftctl-state-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('round-trips and replaces itself atomically, leaving no temporary file', () => {
    const file = new StateFile(join(dir, 'a'), 1)
    assert.equal(file.load(), undefined)
    file.save({term: 5n, votedFor: 3, termLimit: 9n})
    file.save({term: 6n, votedFor: 0, termLimit: 10n})
    assert.deepEqual(file.load(), {term: 6n, votedFor: 0, termLimit: 10n})
    assert.deepEqual(readdirSync(join(dir, 'a')), ['state.json'])
    assert.deepEqual(JSON.parse(readFileSync(file.path, 'utf8')), {nodeId: 1, term: '6', votedFor: 0, termLimit: '10'})
  })

  it("refuses another node's file and a corrupt one, with a line saying what to do", () => {
    const file = new StateFile(join(dir, 'b'), 1)
    file.save({term: 1n, votedFor: 1, termLimit: 0n})
    assert.throws(() => new StateFile(join(dir, 'b'), 2).load(), /belongs to node n1, not n2; give this node its own --state-dir/)
    writeFileSync(file.path, '{"nodeId":1,"term":')
    assert.throws(() => file.load(), /is corrupt \(it is not JSON\)/)
    writeFileSync(file.path, '{"nodeId":1,"term":"x","votedFor":0,"termLimit":"0"}')
    assert.throws(() => file.load(), /is corrupt \(a field is missing or malformed\)/)
  })

  it('a save that cannot be written fails loudly', () => {
    writeFileSync(join(dir, 'not-a-dir'), '')
    assert.throws(() => new StateFile(join(dir, 'not-a-dir'), 1).save({term: 1n, votedFor: 0, termLimit: 0n}),
      /write the state file .*; the node stops rather than send a vote it could forget/)
    assert.ok(!existsSync(join(dir, 'not-a-dir', 'state.json.tmp')))
  })
})

/** A node 1 of 3 with saved state (and pinned maps) plus its two peers. */
async function restarted(opts: {kernel: boolean; saved: {term: bigint; votedFor: number; termLimit: bigint}; pinned?: MemoryHardStateStore}) {
  const clock = new FakeClock()
  const network = fakeNetwork(clock)
  const node = memoryNode({network, clock, self: members(3)[0], members: members(3), kernel: opts.kernel, saved: opts.saved, store: opts.pinned})
  const peers = [new WirePeer(network, members(3)[1], node.addr), new WirePeer(network, members(3)[2], node.addr)]
  await node.runtime.start()
  return {clock, node, n2: peers[0], n3: peers[1]}
}

function started(node: TestNode): [string, unknown] {
  const line = linesOf(node, 'started')[0]
  return [line.term as string, line.votedFor]
}

describe('restart durability (runtime)', () => {
  it('userspace: the saved vote is kept; another candidate of that term is denied, the same one granted again', async () => {
    const {clock, node, n2, n3} = await restarted({kernel: false, saved: {term: 5n, votedFor: 3, termLimit: 0n}})
    assert.deepEqual(started(node), ['5', 3])
    n2.send({type: 'VoteRequest', term: 5n})
    n3.send({type: 'VoteRequest', term: 5n})
    clock.advance(5)
    assert.deepEqual([n2.of('VoteResponse')[0]?.flag, n3.of('VoteResponse')[0]?.flag], [false, true])
    await node.runtime.stop()
  })

  it('xdp node restart (no pins): starts at the saved limit voted for itself, saves a new limit before starting', async () => {
    const {clock, node, n2, n3} = await restarted({kernel: true, saved: {term: 5n, votedFor: 3, termLimit: 9n}})
    assert.deepEqual(started(node), ['9', 1])
    assert.deepEqual(node.durable.saves[0], {term: 5n, votedFor: 3, termLimit: 13n})
    n2.send({type: 'VoteRequest', term: 9n})
    n3.send({type: 'VoteRequest', term: 10n})
    clock.advance(5)
    assert.deepEqual(n2.of('VoteResponse').map((m) => [m.term, m.flag]), [[9n, false]], 'no second vote in term 9')
    assert.deepEqual(n3.of('VoteResponse').map((m) => [m.term, m.flag]), [[10n, true]])
    await node.runtime.stop()
  })

  it('xdp process restart (pins kept): the kernel word is the truth, whatever the file says', async () => {
    const pinned = new MemoryHardStateStore({term: 7n, votedFor: 2, role: 'follower'})
    const {clock, node, n2, n3} = await restarted({kernel: true, saved: {term: 6n, votedFor: 0, termLimit: 10n}, pinned})
    assert.deepEqual(started(node), ['7', 2])
    assert.deepEqual(node.durable.current, {term: 7n, votedFor: 2, termLimit: 14n})
    n3.send({type: 'VoteRequest', term: 7n})
    n2.send({type: 'VoteRequest', term: 7n})
    clock.advance(5)
    assert.deepEqual([n2.of('VoteResponse')[0]?.flag, n3.of('VoteResponse')[0]?.flag], [true, false])
    await node.runtime.stop()
  })

  it('a restarted leader (pinned word says leader) heartbeats at once in its term', async () => {
    const pinned = new MemoryHardStateStore({term: 4n, votedFor: 1, role: 'leader'})
    const {clock, node, n2} = await restarted({kernel: true, saved: {term: 4n, votedFor: 1, termLimit: 8n}, pinned})
    clock.advance(5)
    assert.deepEqual(n2.of('Heartbeat').map((m) => m.term), [4n])
    await node.runtime.stop()
  })
})
