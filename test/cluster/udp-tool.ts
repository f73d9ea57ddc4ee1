/**
 * Traffic tools run inside a namespace (nsenter) for E12. Modes:
 *   echo <port>                      UDP and TCP echo on <port>; prints "ready"
 *   send <json [{to, port, hex, from?}]>  sends each datagram (from a bound source address if given)
 *   probe <to> <port>                one UDP and one TCP round trip to an echo server; prints JSON
 */
import {createSocket} from 'node:dgram'
import {once} from 'node:events'
import {connect, createServer} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'

const [mode, ...args] = process.argv.slice(2)

if (mode === 'echo') {
  const port = Number(args[0])
  const udp = createSocket('udp4')
  udp.on('message', (msg, rinfo) => udp.send(msg, rinfo.port, rinfo.address))
  udp.bind(port)
  createServer((socket) => socket.pipe(socket)).listen(port)
  await once(udp, 'listening')
  process.stdout.write('ready\n')
} else if (mode === 'send') {
  const frames = JSON.parse(args[0]!) as Array<{to: string; port: number; hex: string; from?: string}>
  const sockets = new Map<string, ReturnType<typeof createSocket>>()
  for (const f of frames) {
    const key = f.from ?? ''
    if (!sockets.has(key)) {
      const s = createSocket('udp4')
      s.bind({address: f.from, port: 0})
      await once(s, 'listening')
      sockets.set(key, s)
    }
    await new Promise((resolve) => sockets.get(key)!.send(Buffer.from(f.hex, 'hex'), f.port, f.to, resolve))
  }
  for (const s of sockets.values()) s.close()
} else if (mode === 'probe') {
  const [to, port] = [args[0]!, Number(args[1])]
  const udp = createSocket('udp4')
  const reply = Promise.race([once(udp, 'message').then(([m]) => String(m) === 'udp-probe'), sleep(1000).then(() => false)])
  udp.send('udp-probe', port, to)
  const udpOk = await reply
  udp.close()
  const tcp = connect(port, to)
  tcp.end('tcp-probe')
  const tcpOk = await Promise.race([once(tcp, 'data').then(([d]) => String(d) === 'tcp-probe'), sleep(1000).then(() => false)])
    .catch(() => false)
  tcp.destroy()
  process.stdout.write(JSON.stringify({udp: udpOk, tcp: tcpOk}) + '\n')
} else {
  process.stderr.write(`unknown mode ${mode}\n`)
  process.exit(2)
}
