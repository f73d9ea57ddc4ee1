// A send leaves before sendDatagram returns (not on a later tick), so a heartbeat stamped just
// before it is measured from its real send: the bytes wait in the receiver's queue while this
// tick is still running.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {describe, it} from 'node:test'
import {bindRaftSocket, sendDatagram} from '../../src/dataplane/userspace.js'

/** Bytes queued on the UDP socket bound to 127.0.0.1:`port` (ss's Recv-Q). */
function receiveQueue(port: number): number {
  const line = execFileSync('ss', ['-uaHn', 'src', `127.0.0.1:${port}`], {encoding: 'utf8'}).trim()
  return Number(line.split(/\s+/)[1])
}

describe('sendDatagram', () => {
  it('has sent the datagram when it returns', async () => {
    const receiver = await bindRaftSocket('127.0.0.1', 0)
    const sender = await bindRaftSocket('127.0.0.1', 0)
    try {
      const port = receiver.address().port
      receiver.on('message', () => undefined)
      sendDatagram(sender, Buffer.alloc(40, 1), '127.0.0.1', port)
      assert.ok(receiveQueue(port) > 0, 'the datagram had not left when sendDatagram returned')
    } finally {
      receiver.close()
      sender.close()
    }
  })
})
