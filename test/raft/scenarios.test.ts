// SCENARIOS.md E1-E6, E8 and E10 in pure simulation: RaftNodes on a fake clock and network with a
// safety observer checking on every step that no term has two leaders and no term decreases.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {SimCluster, type SimOptions} from './helpers/fake-network.js'
import {seededRandom} from './helpers/prng.js'

const H = 50
const SEEDS = [1, 2, 3, 4, 5, 6]

/** Run until every up node (or `among`) agrees on one leader; fails after `rounds` rounds. */
function awaitLeader(c: SimCluster, rounds: number, among?: number[]): number {
  const ok = c.runUntil(() => c.agreedLeader(among) !== undefined, rounds * c.roundMs)
  assert.ok(ok, `no agreed leader within ${rounds} rounds (t=${c.nowMs})\n${c.observer.recent()}`)
  return c.agreedLeader(among)!
}

/** became-leader events any node reported after `sinceMs`. */
function electionsSince(c: SimCluster, sinceMs: number): string[] {
  return c.ids.flatMap((id) => c.events(id).filter((e) => e.kind === 'became-leader' && e.atMs > sinceMs).map((e) => `n${id}@${e.term}`))
}

function cluster(opts: SimOptions): SimCluster {
  return new SimCluster({heartbeatIntervalMs: H, electionTimeoutMinMs: 150, ...opts})
}

describe('E1 initial election', () => {
  for (const size of [3, 5]) {
    for (const seed of SEEDS) {
      test(`E1: ${size} nodes (seed ${seed}) elect exactly one leader within 5 rounds and keep it 20 idle rounds`, () => {
        const c = cluster({size, seed})
        const leader = awaitLeader(c, 5)
        const term = c.hardState(leader).term
        const electedAt = c.nowMs
        c.runFor(20 * c.roundMs)
        assert.equal(c.agreedLeader(), leader)
        assert.deepEqual(c.ids.map((id) => c.hardState(id).term), c.ids.map(() => term), 'all nodes agree on the term')
        assert.deepEqual(electionsSince(c, electedAt), [], 'no election while idle')
        assert.ok(c.observer.checks >= 2 * ((20 * c.roundMs) / H), `the observer watched every step (${c.observer.checks})`)
      })
    }
  }
})

test('E10: 1 s of idleness with 3 nodes: at most 1000/H + 1 heartbeats per follower and no vote traffic', () => {
  const c = cluster({size: 3, seed: 11})
  const leader = awaitLeader(c, 5)
  c.runFor(500)
  const before = new Map(c.ids.map((id) => [id, c.sentCount('Heartbeat', id)]))
  const votesBefore = c.sentCount('VoteRequest') + c.sentCount('VoteResponse')
  c.runFor(1000)
  for (const id of c.ids.filter((n) => n !== leader)) {
    const beats = c.sentCount('Heartbeat', id) - before.get(id)!
    assert.ok(beats >= 1000 / H - 1 && beats <= 1000 / H + 1, `n${id} got ${beats} heartbeats`)
  }
  assert.equal(c.sentCount('VoteRequest') + c.sentCount('VoteResponse'), votesBefore)
})

describe('E2 leader crash', () => {
  for (const mode of ['crash-simulate', 'kill -9'] as const) {
    for (const seed of SEEDS) {
      test(`E2 (${mode}, seed ${seed}): a new leader with a higher term within 5 rounds; the old one rejoins as follower`, () => {
        const c = cluster({size: 5, seed})
        const old = awaitLeader(c, 5)
        const oldTerm = c.hardState(old).term
        c.runFor(c.roundMs)
        c.crash(old)
        const leader = awaitLeader(c, 5)
        const term = c.hardState(leader).term
        assert.notEqual(leader, old)
        assert.ok(term > oldTerm, `term ${term} > ${oldTerm}`)

        const rejoinAt = c.nowMs
        if (mode === 'kill -9') c.restart(old)
        else c.resume(old)
        c.runFor(5 * c.roundMs)
        assert.equal(c.agreedLeader(), leader, 'the rejoined node follows the new leader')
        assert.equal(c.hardState(leader).term, term, 'the rejoin did not change the term')
        assert.deepEqual(electionsSince(c, rejoinAt), [])
      })
    }
  }
})

describe('E3 many failures', () => {
  for (const seed of [1, 2, 3]) {
    test(`E3 (seed ${seed}): 7 nodes, 9 times cut 3 random nodes: one leader among the majority, one after each heal`, () => {
      const c = cluster({size: 7, seed})
      const pick = seededRandom(seed + 99)
      awaitLeader(c, 5)
      for (let round = 0; round < 9; round++) {
        const cut: number[] = []
        while (cut.length < 3) {
          const id = 1 + Math.floor(pick() * 7)
          if (!cut.includes(id)) cut.push(id)
        }
        for (const id of cut) c.isolate(id)
        const majority = c.ids.filter((id) => !cut.includes(id))
        const settled = () => c.agreedLeader(majority) !== undefined && cut.every((id) => c.hardState(id).role !== 'leader')
        assert.ok(c.runUntil(settled, 5 * c.roundMs), `cut ${cut}: no single leader among ${majority}\n${c.observer.recent()}`)
        c.runFor(2 * c.roundMs)
        assert.ok(settled(), `cut ${cut}: the majority's leader did not hold`)
        c.heal()
        awaitLeader(c, 5)
      }
    })
  }
})

describe('E4 and E5 minority partition and heal', () => {
  for (const seed of SEEDS) {
    test(`E4+E5 (seed ${seed}): the isolated leader steps down, the majority elects, the heal changes no leader`, () => {
      const c = cluster({size: 5, seed, nodeOptions: {preVote: true}})
      const old = awaitLeader(c, 5)
      c.runFor(c.roundMs)
      c.isolate(old)
      const cutAt = c.nowMs
      assert.ok(c.runUntil(() => c.hardState(old).role !== 'leader', 2 * c.roundMs), 'E4: the isolated leader steps down within 2 rounds')
      const majority = c.ids.filter((id) => id !== old)
      const leader = awaitLeader(c, 5, majority)
      const term = c.hardState(leader).term
      c.runFor(10 * c.roundMs)
      assert.ok(!c.events(old).some((e) => e.kind === 'became-leader' && e.atMs > cutAt), 'E4: no leader on the minority side')
      assert.equal(c.agreedLeader(majority), leader)

      c.heal()
      const healAt = c.nowMs
      awaitLeader(c, 5)
      c.runFor(5 * c.roundMs)
      assert.equal(c.agreedLeader(), leader, 'E5: the partitioned node adopted the majority leader')
      assert.equal(c.hardState(old).term, term, "E5: ...and the majority's term")
      assert.deepEqual(electionsSince(c, healAt), [], 'E5: no leader change caused by the heal')
    })
  }

  for (const seed of SEEDS) {
    test(`E5 (seed ${seed}): two followers cut off for 10 rounds keep their term; the heal changes no leader`, () => {
      const c = cluster({size: 5, seed, nodeOptions: {preVote: true}})
      const leader = awaitLeader(c, 5)
      c.runFor(c.roundMs)
      const term = c.hardState(leader).term
      const minority = c.ids.filter((id) => id !== leader).slice(0, 2)
      c.partition(minority)
      const cutAt = c.nowMs
      c.runFor(10 * c.roundMs)
      assert.equal(c.agreedLeader(c.ids.filter((id) => !minority.includes(id))), leader, 'the majority kept its leader')
      for (const id of minority) assert.equal(c.hardState(id).term, term, `n${id} asked for pre-votes but never raised its term`)
      for (const id of minority) {
        const kinds = c.events(id).filter((e) => e.atMs > cutAt).map((e) => e.kind)
        assert.ok(kinds.includes('pre-vote-started') && !kinds.includes('became-candidate'), `n${id} pre-voted, never campaigned`)
      }
      c.heal()
      const healAt = c.nowMs
      c.runFor(5 * c.roundMs)
      assert.equal(c.agreedLeader(), leader, 'E5: every node follows the same leader')
      assert.deepEqual(c.ids.map((id) => c.hardState(id).term), c.ids.map(() => term), "E5: ...in the leader's term")
      assert.deepEqual(electionsSince(c, healAt), [], 'E5: no leader change caused by the heal')
    })
  }

  test('E5 without PreVote (§5.2 alone): the isolated node inflates its term and its return forces an election', () => {
    const c = cluster({size: 5, seed: 1})
    const old = awaitLeader(c, 5)
    c.isolate(old)
    const leader = awaitLeader(c, 5, c.ids.filter((id) => id !== old))
    const term = c.hardState(leader).term
    c.runFor(10 * c.roundMs)
    assert.ok(c.hardState(old).term > term + 3n, `the lone node campaigned up to term ${c.hardState(old).term}`)
    c.heal()
    const healAt = c.nowMs
    awaitLeader(c, 5)
    assert.ok(c.hardState(c.agreedLeader()!).term > term, 'the heal forced a new term')
    assert.notDeepEqual(electionsSince(c, healAt), [], 'and a new election')
  })
})

describe('E6 packet loss', () => {
  const variants = [
    {size: 3, label: '3 nodes'},
    {size: 5, label: '5 nodes'},
    {size: 5, label: '5 nodes, delay 5 ms ± 5 ms', latencyMs: (r: () => number) => 10 * r()},
  ]
  for (const v of variants) {
    for (const seed of [1, 2]) {
      test(`E6 (${v.label}, seed ${seed}): 20% loss on every link: a leader at least 90% of 50 rounds`, () => {
        const c = cluster({size: v.size, seed, latencyMs: v.latencyMs})
        c.dropRate = 0.2
        let samples = 0
        let led = 0
        for (let t = 0; t < 50 * c.roundMs; t += 5) {
          c.runFor(5)
          samples++
          if (c.hasCurrentLeader()) led++
        }
        assert.ok(led / samples >= 0.9, `a leader ${((100 * led) / samples).toFixed(1)}% of the time`)
        assert.ok(c.sentCount('Heartbeat') > 0 && c.observer.checks > 0)
      })
    }
  }
})

describe('E8 split vote pressure', () => {
  for (const seed of SEEDS) {
    test(`E8 (seed ${seed}): followers forced to time out together repeatedly still elect within 10 rounds`, () => {
      const forced = new Map<number, number>() // draws left that return the same value on every node
      const randomFor = (id: number) => {
        const own = seededRandom(seed * 1000 + id)
        return () => {
          const left = forced.get(id) ?? 0
          if (left <= 0) return own()
          forced.set(id, left - 1)
          return 0.5
        }
      }
      // Equal delays, so followers hear each heartbeat at the same instant and reset together.
      const c = cluster({size: 5, seed, latencyMs: () => 1, randomFor})
      const old = awaitLeader(c, 5)
      for (const id of c.ids) forced.set(id, Number.POSITIVE_INFINITY)
      c.runFor(2 * H + 5)
      c.crash(old)
      for (const id of c.ids) forced.set(id, 3) // three more elections time out together
      const crashAt = c.nowMs

      const leader = awaitLeader(c, 10)

      assert.notEqual(leader, old)
      const split = new Map<bigint, Set<number>>()
      for (const id of c.ids) {
        for (const e of c.events(id)) {
          if (e.kind !== 'became-candidate' || e.atMs <= crashAt) continue
          split.set(e.term, (split.get(e.term) ?? new Set()).add(id))
        }
      }
      const splitTerms = [...split.values()].filter((s) => s.size === 4).length
      assert.ok(splitTerms >= 3, `the pressure was real: ${splitTerms} elections had all four followers as candidates`)
    })
  }
})
