/**
 * Run inside a node's namespace (nsenter): relays connections on a Unix socket, which every
 * namespace can reach because it is a file, to the node's HTTP API on that namespace's own
 * loopback, which only processes inside it can reach. Exits when its parent closes stdin, so a
 * crashed harness leaves no relay behind. Usage: api-relay.js <socket path> <api port>
 */
import {rmSync} from 'node:fs'
import {connect, createServer} from 'node:net'

const [socketPath, port] = process.argv.slice(2)
if (!socketPath || !/^\d+$/.test(port ?? '')) {
  process.stderr.write('usage: api-relay.js <socket path> <api port>\n')
  process.exit(2)
}

rmSync(socketPath, {force: true})
const server = createServer((client) => {
  const upstream = connect(Number(port), '127.0.0.1')
  const close = () => {
    client.destroy()
    upstream.destroy()
  }
  for (const socket of [client, upstream]) {
    socket.on('error', close)
    socket.on('close', close)
  }
  client.pipe(upstream).pipe(client)
})
server.listen(socketPath)
process.stdin.on('end', () => {
  rmSync(socketPath, {force: true})
  process.exit(0)
})
process.stdin.resume()
