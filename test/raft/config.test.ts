// Configuration is validated once, with errors that name the field and the fix.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {validateRaftConfig, type RaftConfigInput} from '../../src/raft/config.js'

const good: RaftConfigInput = {selfId: 2, members: [3, 1, 2], heartbeatIntervalMs: 50, electionTimeoutMinMs: 150}

test('config: a valid config gets maxT = 2T by default and sorted, frozen members', () => {
  const c = validateRaftConfig(good)
  assert.equal(c.electionTimeoutMaxMs, 300)
  assert.deepEqual(c.members, [1, 2, 3])
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.members))
  assert.equal(validateRaftConfig({...good, electionTimeoutMaxMs: 150}).electionTimeoutMaxMs, 150)
})

test('config: each bad field is named with how to fix it', () => {
  const cases: Array<[Partial<RaftConfigInput>, RegExp]> = [
    [{selfId: 0}, /selfId = 0 must be an integer in 1\.\.65535/],
    [{selfId: 70000}, /selfId = 70000/],
    [{selfId: 1.5}, /selfId = 1\.5/],
    [{members: []}, /members = \[\] must list the voting node ids/],
    [{members: [1, 2, 2]}, /members = \[1,2,2\] lists an id twice/],
    [{members: [1, 3]}, /members = \[1,3\] must include selfId 2/],
    [{members: [2, 0]}, /members = \[2,0\] holds 0/],
    [{heartbeatIntervalMs: 0}, /heartbeatIntervalMs = 0 must be a finite number of milliseconds > 0/],
    [{heartbeatIntervalMs: Number.NaN}, /heartbeatIntervalMs = null/],
    [{electionTimeoutMinMs: -1}, /electionTimeoutMinMs = -1 must be a finite/],
    [{electionTimeoutMinMs: 50}, /electionTimeoutMinMs = 50 must exceed heartbeatIntervalMs \(50\)/],
    [{electionTimeoutMaxMs: 100}, /electionTimeoutMaxMs = 100 must be .* >= electionTimeoutMinMs \(150\); leave it out for 2 x 150/],
  ]
  for (const [patch, message] of cases) {
    assert.throws(() => validateRaftConfig({...good, ...patch}), {message}, JSON.stringify(patch))
  }
})
