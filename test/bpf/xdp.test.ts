// XDP attach/query/detach on a veth pair in a fresh network namespace, driven through a child
// process inside it; and interface lookups in this namespace.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {BpfError, BpfObject, attachXdp, detachXdp, interfaceIndex, interfaceName, queryXdp} from '../../src/bpf/index.js'
import {makePinDir, removePinDir} from '../helpers/bpffs.js'
import {failed, ok, runDriver, type DriverOp} from '../helpers/driver.js'
import {createVethNamespace, type VethNamespace} from '../helpers/netns.js'
import {fixtureObject} from '../helpers/paths.js'

interface Query {
  mode: string
  programId: number
  nativeProgramId: number
  genericProgramId: number
  offloadProgramId: number
}

describe('XDP attachment', () => {
  let pinDir: string
  let object: BpfObject
  let netns: VethNamespace
  let main: {id: number; pin: string}
  let pass: {id: number; pin: string}

  /** Runs driver ops inside the namespace. */
  const inNetns = (...ops: DriverOp[]) => runDriver(ops, {netns: netns.netns})
  const query = (iface: string) => ok<Query>(inNetns({op: 'query', iface})[0])

  before(async () => {
    pinDir = makePinDir('xdp')
    object = await BpfObject.load(fixtureObject('binding'), {pinRoot: pinDir})
    main = {id: object.program('fx_main').id, pin: `${pinDir}/fx_main`}
    pass = {id: object.program('fx_pass').id, pin: `${pinDir}/fx_pass`}
    object.program('fx_main').pin(main.pin)
    object.program('fx_pass').pin(pass.pin)
    netns = createVethNamespace()
  })

  after(() => {
    // Deleting the namespace deletes the veths, and with them any attachment.
    netns?.destroy()
    object?.close()
    removePinDir(pinDir)
  })

  test('native attach is reported by query as native, with the program id', () => {
    const [attach, state] = inNetns({op: 'attach', iface: netns.a, programPin: main.pin, mode: 'native'}, {op: 'query', iface: netns.a})
    assert.equal(ok(attach), main.id)
    assert.deepEqual(ok(state), {mode: 'native', programId: main.id, nativeProgramId: main.id, genericProgramId: 0, offloadProgramId: 0})
  })

  test('attaching over it without force is EBUSY, with code, op and target', () => {
    const error = failed(inNetns({op: 'attach', iface: netns.a, programPin: pass.pin, mode: 'native'})[0])
    assert.equal(error.name, 'BpfError')
    assert.equal(error.code, 'EBUSY')
    assert.equal(error.errno, 16)
    assert.equal(error.op, 'bpf_xdp_attach')
    assert.equal(error.target, netns.a)
    assert.equal(error.message, `attach xdp to ${netns.a}: device or resource busy (EBUSY)`)
    assert.ok(error.log!.some((line) => /XDP program already attached/.test(line)), 'the kernel extack message is in the log')
    assert.equal(query(netns.a).programId, main.id, 'the attached program is untouched')
  })

  test('force replaces the attached program', () => {
    const [attach, state] = inNetns({op: 'attach', iface: netns.a, programPin: pass.pin, mode: 'native', force: true}, {op: 'query', iface: netns.a})
    ok(attach)
    assert.equal(ok<Query>(state).programId, pass.id)
  })

  test('detach expecting another program leaves the attached one alone', () => {
    const [detach, state] = inNetns({op: 'detach', iface: netns.a, expectedProgramId: main.id}, {op: 'query', iface: netns.a})
    assert.equal(ok(detach), false)
    assert.equal(ok<Query>(state).programId, pass.id)
  })

  test('detach expecting the attached program detaches it; again finds nothing', () => {
    const [detach, state, again] = inNetns(
      {op: 'detach', iface: netns.a, expectedProgramId: pass.id},
      {op: 'query', iface: netns.a},
      {op: 'detach', iface: netns.a},
    )
    assert.equal(ok(detach), true)
    assert.deepEqual(ok(state), {mode: 'none', programId: 0, nativeProgramId: 0, genericProgramId: 0, offloadProgramId: 0})
    assert.equal(ok(again), false)
  })

  test('generic attach is reported as generic; native cannot join it (EEXIST); plain detach removes it', () => {
    const [attach, state, native, detach, after] = inNetns(
      {op: 'attach', iface: netns.b, programPin: main.pin, mode: 'generic'},
      {op: 'query', iface: netns.b},
      {op: 'attach', iface: netns.b, programPin: pass.pin, mode: 'native'},
      {op: 'detach', iface: netns.b},
      {op: 'query', iface: netns.b},
    )
    ok(attach)
    assert.deepEqual(ok(state), {mode: 'generic', programId: main.id, nativeProgramId: 0, genericProgramId: main.id, offloadProgramId: 0})
    assert.equal(failed(native).code, 'EEXIST')
    assert.equal(ok(detach), true)
    assert.equal(ok<Query>(after).mode, 'none')
  })

  test('auto mode: query reports the mode the kernel chose', () => {
    const [attach, state, detach] = inNetns(
      {op: 'attach', iface: netns.a, programPin: main.pin, mode: 'auto'},
      {op: 'query', iface: netns.a},
      {op: 'detach', iface: netns.a, expectedProgramId: main.id},
    )
    ok(attach)
    const {mode, nativeProgramId, genericProgramId} = ok<Query>(state)
    assert.ok(mode === 'native' || mode === 'generic', `mode ${mode}`)
    assert.equal(mode === 'native' ? nativeProgramId : genericProgramId, main.id)
    assert.equal(ok(detach), true)
  })

  test('a missing interface is ENODEV for attach, detach and query', () => {
    const outcomes = inNetns(
      {op: 'attach', iface: 'veth-nope', programPin: main.pin, mode: 'native'},
      {op: 'detach', iface: 'veth-nope'},
      {op: 'query', iface: 'veth-nope'},
    )
    for (const outcome of outcomes) {
      const error = failed(outcome)
      assert.equal(error.code, 'ENODEV')
      assert.equal(error.target, 'veth-nope')
    }
    assert.match(failed(outcomes[0]).message, /^attach xdp to veth-nope: no such interface \(ENODEV\)$/)
  })
})

describe('interfaces', () => {
  test('index and name of loopback', () => {
    assert.equal(interfaceIndex('lo'), 1)
    assert.equal(interfaceName(1), 'lo')
    assert.equal(interfaceName(0x7ffffff0), undefined)
  })

  test('a missing interface is a BpfError with code ENODEV', () => {
    const name = `rbt-missing${process.pid % 1000}`
    assert.throws(() => interfaceIndex(name), (error: BpfError) => {
      assert.ok(error instanceof BpfError)
      assert.equal(error.code, 'ENODEV')
      assert.equal(error.errno, 19)
      assert.equal(error.op, 'if_nametoindex')
      assert.equal(error.target, name)
      assert.equal(error.message, `no such interface ${name} (ENODEV)`)
      return true
    })
    assert.throws(() => queryXdp(name), {name: 'BpfError', code: 'ENODEV'})
    assert.throws(() => detachXdp(name), {name: 'BpfError', code: 'ENODEV'})
  })

  test('attachXdp names the interface when it is missing', async () => {
    const object = await BpfObject.load(fixtureObject('binding'))
    try {
      assert.throws(() => attachXdp('rbt-missing', object.program('fx_pass'), {mode: 'generic'}), {
        name: 'BpfError', code: 'ENODEV', message: 'attach xdp to rbt-missing: no such interface (ENODEV)',
      })
    } finally {
      object.close()
    }
  })
})
