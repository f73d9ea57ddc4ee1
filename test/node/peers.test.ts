// --peers and --id: ids are positions in the list; this node is the member on --iface or --id's.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {MAX_MEMBERS, parsePeers, resolveLayout} from '../../src/node/peers.js'

const PEERS = ['10.0.0.1', '10.0.0.2', '10.0.0.3']

describe('--peers and --id', () => {
  it('numbers members 1..N in --peers order', () => {
    assert.deepEqual(resolveLayout(PEERS, {iface: 'eth0', id: 2}), {self: {id: 2, addr: '10.0.0.2'},
      members: [{id: 1, addr: '10.0.0.1'}, {id: 2, addr: '10.0.0.2'}, {id: 3, addr: '10.0.0.3'}]})
  })

  it('finds this node by the address on the interface', () => {
    assert.deepEqual(resolveLayout(PEERS, {iface: 'eth0', localAddrs: ['192.168.1.5', '10.0.0.3']}).self, {id: 3, addr: '10.0.0.3'})
  })

  it('says what is wrong in one line', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => parsePeers('10.0.0.1,10.0.0.256'), /"10\.0\.0\.256" is not one/],
      [() => parsePeers('10.0.0.1,,10.0.0.2'), /"" is not one/],
      [() => parsePeers('10.0.0.01'), /"10\.0\.0\.01" is not one/],
      [() => parsePeers('10.0.0.1,10.0.0.1'), /lists 10\.0\.0\.1 twice/],
      [() => parsePeers(Array.from({length: MAX_MEMBERS + 1}, (_, i) => `10.0.1.${i + 1}`).join(',')), /at most \d+ members/],
      [() => resolveLayout(PEERS, {iface: 'eth0', id: 4}), /--id 4 names no member: --peers lists 3 \(ids 1-3/],
      [() => resolveLayout(PEERS, {iface: 'eth0', localAddrs: ['10.0.0.1', '10.0.0.2']}), /holds several of --peers .*pass --id/],
      [() => resolveLayout(PEERS, {iface: 'eth0', localAddrs: ['192.168.1.5']}), /none of --peers is an address of eth0 \(it has 192\.168\.1\.5\)/],
    ]
    for (const [act, message] of cases) {
      assert.throws(act, (e: Error & {exitCode?: number}) => message.test(e.message) && e.exitCode === 2 && !e.message.includes('\n'))
    }
  })
})
