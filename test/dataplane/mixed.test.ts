// E7 on real processes: an XDP node and two userspace nodes speak the same bytes and elect one
// leader; after a kill -9 of the leader the others elect a new one in a higher term, and the
// restarted node rejoins as a follower without changing it. Safety is checked on every line.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {after, before, describe, it} from 'node:test'
import {createVethPair, execIn, type VethPair} from '../netns/veth-pair.js'
import {waitFor} from '../helpers/waiting.js'
import {startRun, type NodeRun} from './helpers/node-run.js'
import type {LogLine} from './helpers/sides.js'

const ROUND_MS = 800 // 2T with T = 400

/** Violations of "one leader per term" and "terms never decrease" (per node and source) over all lines. */
function violations(history: Map<number, LogLine[]>): string[] {
  const leaders = new Map<string, number>()
  const found: string[] = []
  for (const [id, lines] of history) {
    const last = new Map<string, bigint>()
    for (const line of lines) {
      const term = BigInt(line.term)
      if (line.role === 'leader') {
        const other = leaders.get(line.term)
        if (other !== undefined && other !== id) found.push(`two leaders in term ${term}: n${other} and n${id}`)
        leaders.set(line.term, id)
      }
      if (term < (last.get(line.source) ?? 0n)) found.push(`n${id}'s ${line.source} term went back to ${term}: ${line.message}`)
      if (term > (last.get(line.source) ?? 0n)) last.set(line.source, term)
    }
  }
  return found
}

describe('a mixed cluster: n1 on XDP, n2 and n3 in userspace', {timeout: 120_000}, () => {
  let pair: VethPair
  let stateDir: string
  const runs = new Map<number, NodeRun>()
  /** Every line each node ever printed, across restarts. */
  const history = new Map<number, LogLine[]>()
  let peers: string[]

  async function start(id: number): Promise<void> {
    const end = id === 1 ? pair.a : pair.b
    const dataplane = id === 1 ? ['--dataplane', 'xdp', '--mode', 'generic'] : ['--dataplane', 'userspace']
    // n1 (XDP) times out first, so the first leader is most likely the XDP node, whose kill -9 matters most:
    // its program keeps answering in the kernel while the process is gone.
    const timeout = id === 1 && !history.has(1) ? '300-350' : '400-600'
    const run = await startRun(end.netns, ['--iface', end.iface, '--peers', peers.join(','), '--id', String(id), ...dataplane,
      '--heartbeat-ms', '50', '--election-timeout-ms', timeout, '--log-format', 'json', '--cluster-id', '3',
      '--state-dir', join(stateDir, `n${id}`)])
    const all = history.get(id) ?? []
    history.set(id, all)
    const seen = {count: 0}
    // Copy lines into the history as they arrive (the run's array keeps growing).
    const copy = setInterval(() => {
      while (seen.count < run.lines.length) all.push(run.lines[seen.count++])
    }, 5)
    void run.exited.then(() => {
      clearInterval(copy)
      while (seen.count < run.lines.length) all.push(run.lines[seen.count++])
    })
    runs.set(id, run)
  }

  /**
   * The leader every running node agrees on, from its latest lines: one node's role is leader, and
   * every node's term and known leader (its last became-leader or leader-changed line) match.
   */
  function agreed(): {leader: number; term: string} | undefined {
    const state = [...runs.keys()].map((id) => {
      const lines = history.get(id) ?? []
      const last = [...lines].reverse().find((l) => l.source !== 'kernel' && l.kind !== 'stopping')
      const leaderLine = [...lines].reverse().find((l) => l.kind === 'leader-changed' || l.kind === 'became-leader')
      return {id, role: last?.role, term: last?.term, leader: leaderLine?.kind === 'became-leader' ? id : leaderLine?.peerId, leaderTerm: leaderLine?.term}
    })
    const leaders = state.filter((s) => s.role === 'leader')
    if (leaders.length !== 1) return undefined
    const {id, term} = leaders[0]
    return state.every((s) => s.term === term && s.leader === id && s.leaderTerm === term) ? {leader: id, term: term!} : undefined
  }

  before(async () => {
    pair = createVethPair(33)
    stateDir = mkdtempSync(join(tmpdir(), 'raftctl-mixed-'))
    const third = pair.b.addr.replace(/\.2$/, '.3')
    execIn(pair.b.netns, 'ip', ['addr', 'add', `${third}/24`, 'dev', pair.b.iface])
    for (const end of [pair.a, pair.b]) execIn(end.netns, 'ethtool', ['-K', end.iface, 'tx', 'off'])
    peers = [pair.a.addr, pair.b.addr, third]
    await Promise.all([1, 2, 3].map(start))
  })

  after(async () => {
    for (const run of runs.values()) run.kill('SIGKILL')
    await Promise.all([...runs.values()].map((r) => r.exited))
    pair?.destroy()
    if (pair) rmSync(`/sys/fs/bpf/raftctl/netns-${pair.a.netns}`, {recursive: true, force: true})
    if (stateDir) rmSync(stateDir, {recursive: true, force: true})
  })

  it('E1/E7: elects one leader all three agree on, and keeps it while idle', async () => {
    await waitFor('an agreed leader', () => agreed() !== undefined, 10 * ROUND_MS)
    const first = agreed()!
    await sleep(5 * ROUND_MS)
    assert.deepEqual(agreed(), first, 'the leader or term changed while idle')
    assert.deepEqual(violations(history), [])
  })

  it('E2/E7: after kill -9 of the leader the others elect a new one in a higher term; the restarted node follows it', async (t) => {
    const old = agreed()!
    t.diagnostic(`killing leader n${old.leader} of term ${old.term}`)
    runs.get(old.leader)!.kill('SIGKILL')
    await runs.get(old.leader)!.exited
    runs.delete(old.leader)
    await waitFor('a new leader', () => {
      const next = agreed()
      return next !== undefined && BigInt(next.term) > BigInt(old.term)
    }, 10 * ROUND_MS)
    const next = agreed()!
    assert.notEqual(next.leader, old.leader)
    await start(old.leader)
    await sleep(5 * ROUND_MS)
    assert.deepEqual(agreed(), next, 'the restarted node changed the leader')
    assert.deepEqual(violations(history), [])
  })

  it('every node stops on SIGTERM with exit code 0', async () => {
    for (const run of runs.values()) run.kill('SIGTERM')
    assert.deepEqual(await Promise.all([...runs.values()].map((r) => r.exited)), [0, 0, 0])
  })
})
