/**
 * A stand-in for `raftctl run` that tests the harness itself: it takes run's flags, prints NDJSON
 * events like run's, pings every peer over UDP every 10 ms and reports which peers it hears (so
 * faults on the bridge show up in its events), serves GET /state and POST /crash, and counts its
 * starts in --state-dir. `--claim-leader TERM` makes it print a leader event for TERM (to prove
 * the observer catches two leaders).
 */
import {createSocket} from 'node:dgram'
import {readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

const {values: flags} = parseArgs({strict: false, options: {
  iface: {type: 'string'}, peers: {type: 'string'}, id: {type: 'string'}, port: {type: 'string'},
  api: {type: 'string'}, 'state-dir': {type: 'string'}, 'claim-leader': {type: 'string'},
}})
const peers = String(flags.peers).split(',')
const id = Number(flags.id)
const port = Number(flags.port)
const self = peers[id - 1]!
let role = 'follower'
let term = '0'

function emit(kind: string, message: string, extra: Record<string, unknown> = {}): void {
  const event = {time: new Date().toISOString(), atMs: performance.now(), nodeId: id, role, term, kind, message, ...extra}
  process.stdout.write(JSON.stringify(event) + '\n')
}

const countFile = join(String(flags['state-dir']), 'starts')
let starts = 0
try {
  starts = Number(readFileSync(countFile, 'utf8'))
} catch {
  // first start
}
writeFileSync(countFile, String(++starts))
emit('started', `started on ${flags.iface} (${self}), start number ${starts}`, {starts})

const received = new Map<number, number>()
const lastHeard = new Map<number, number>()
const socket = createSocket('udp4')
socket.on('message', (payload) => {
  const from = Number(payload.toString().split(' ')[1])
  received.set(from, (received.get(from) ?? 0) + 1)
  if (!lastHeard.has(from)) emit('peer-heard', `hearing n${from}`, {peerId: from})
  lastHeard.set(from, performance.now())
})
socket.bind(port, self, () => {
  setInterval(() => {
    for (const [i, addr] of peers.entries()) if (i + 1 !== id) socket.send(`ping ${id}`, port, addr, () => undefined)
    for (const [peer, at] of lastHeard) {
      if (performance.now() - at > 300) {
        lastHeard.delete(peer)
        emit('peer-lost', `lost n${peer}`, {peerId: peer})
      }
    }
  }, 10)
})

const [apiHost, apiPort] = String(flags.api).split(':')
createServer((req, res) => {
  res.setHeader('content-type', 'application/json')
  if (req.method === 'GET' && req.url === '/state') {
    res.end(JSON.stringify({nodeId: id, role, term, starts, received: Object.fromEntries(received)}))
  } else if (req.method === 'POST' && req.url === '/crash') {
    // like run's API: 202 at once, the end of the crash logged later
    emit('crash-started', 'crash simulated')
    setTimeout(() => emit('crash-ended', 'crash over'), 100)
    res.statusCode = 202
    res.end(JSON.stringify({nodeId: id}))
  } else {
    res.statusCode = 404
    res.end(JSON.stringify({error: 'no such route'}))
  }
}).listen(Number(apiPort), apiHost)

if (flags['claim-leader']) {
  setTimeout(() => {
    role = 'leader'
    term = String(flags['claim-leader'])
    emit('became-leader', `became leader of term ${term}`)
  }, 100)
}

process.on('SIGTERM', () => {
  emit('stopping', 'stopping')
  process.exit(0)
})
