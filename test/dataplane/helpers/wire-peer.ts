/**
 * A test peer in its own process (run under nsenter in the peers' namespace): one UDP socket per
 * address, speaking raftctl's wire protocol. Commands arrive as JSON lines on stdin, everything
 * received leaves as JSON lines on stdout (bigints as strings):
 *   in:  {"op":"send","from":0,"to":"10.77.1.1","msg":{"type":"VoteRequest","term":"5",...}}
 *        {"op":"autoAck","peer":0,"on":true}   answer Heartbeats with a successful HeartbeatAck
 *   out: {"event":"ready"}  {"event":"rx","peer":0,"from":"10.77.1.1","atMs":12.3,"msg":{...}}
 */
import {createSocket, type Socket} from 'node:dgram'
import {createInterface} from 'node:readline'
import {decodeMessage, encodeMessage, type WireMessage} from '../../../src/dataplane/wire.js'

/** argv[2]: the peers' addresses and ids, the port and the cluster id. */
export interface WirePeerConfig {
  peers: Array<{addr: string; id: number}>
  port: number
  clusterId: number
}

/** A message as JSON: bigints as decimal strings, everything but type and term optional. */
export interface JsonMessage {
  type: WireMessage['type']
  term: string
  flag?: boolean
  echo?: string
  clusterId?: number
  senderId?: number
}

const config = JSON.parse(process.argv[2]) as WirePeerConfig
const autoAck = new Set<number>()
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)

function encode(from: number, m: JsonMessage): Buffer {
  return encodeMessage({type: m.type, term: BigInt(m.term), flag: m.flag ?? false, echo: BigInt(m.echo ?? '0'),
    clusterId: m.clusterId ?? config.clusterId, senderId: m.senderId ?? config.peers[from].id})
}

const sockets: Socket[] = await Promise.all(config.peers.map((peer, index) => new Promise<Socket>((resolve, reject) => {
  const socket = createSocket('udp4')
  socket.on('message', (bytes, rinfo) => {
    const m = decodeMessage(bytes)
    if (!m) return out({event: 'junk', peer: index, from: rinfo.address, bytes: bytes.toString('hex')})
    out({event: 'rx', peer: index, from: rinfo.address, atMs: performance.now(),
      msg: {...m, term: String(m.term), echo: String(m.echo)}})
    if (m.type === 'Heartbeat' && autoAck.has(index)) {
      socket.send(encode(index, {type: 'HeartbeatAck', term: String(m.term), flag: true, echo: String(m.echo)}), rinfo.port, rinfo.address)
    }
  })
  socket.once('error', reject)
  socket.bind(config.port, peer.addr, () => resolve(socket))
})))

createInterface({input: process.stdin}).on('line', (line) => {
  const command = JSON.parse(line) as {op: 'send'; from: number; to: string; msg: JsonMessage} | {op: 'autoAck'; peer: number; on: boolean}
  if (command.op === 'autoAck') {
    if (command.on) autoAck.add(command.peer)
    else autoAck.delete(command.peer)
    return out({event: 'ok'})
  }
  sockets[command.from].send(encode(command.from, command.msg), config.port, command.to)
}).on('close', () => {
  for (const socket of sockets) socket.close()
})
out({event: 'ready'})
