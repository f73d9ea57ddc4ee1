/**
 * Run inside the etcd cluster's host namespace (nsenter): asks every member for its status over
 * and over and prints a line (etcd-status.ts) whenever a member's (leader, term) changes. Polling
 * from one process with one clock is what makes "the last member to learn the new leader"
 * measurable: etcd has no event stream of leader changes. Exits when its parent closes stdin, so
 * a crashed harness leaves no poller behind.
 * Usage: etcd-poller.js <interval ms> <timeout ms> <client URL of member 1> [<client URL of member 2> ...]
 */
import {Agent, request} from 'node:http'
import type {EtcdStatusReply, StatusLine} from './etcd-status.js'

const [intervalArg, timeoutArg, ...urls] = process.argv.slice(2)
if (!/^\d+$/.test(intervalArg ?? '') || !/^\d+$/.test(timeoutArg ?? '') || urls.length === 0) {
  process.stderr.write('usage: etcd-poller.js <interval ms> <timeout ms> <client URL>...\n')
  process.exit(2)
}
const intervalMs = Number(intervalArg)
const timeoutMs = Number(timeoutArg)
// the gateway wants a JSON body even though StatusRequest has no fields
const BODY = '{}'

function emit(line: StatusLine): void {
  process.stdout.write(JSON.stringify(line) + '\n')
}

/** One member's status, or the reason there is none. */
function status(url: URL, agent: Agent): Promise<EtcdStatusReply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/v3/maintenance/status', url), {method: 'POST', agent, timeout: timeoutMs,
      headers: {'content-type': 'application/json', 'content-length': BODY.length}}, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${text.trim()}`))
        try {
          resolve(JSON.parse(text) as EtcdStatusReply)
        } catch (error) {
          reject(error as Error)
        }
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(BODY)
  })
}

/** Polls member `member` forever, at most one request in flight, a new one every `intervalMs`. */
async function poll(member: number, url: URL): Promise<never> {
  // one kept-alive connection per member: a new TCP handshake per poll would cost more than the poll
  const agent = new Agent({keepAlive: true, maxSockets: 1})
  let last: string | undefined
  let failing = false
  for (;;) {
    const sentNs = process.hrtime.bigint()
    try {
      const reply = await status(url, agent)
      const atNs = process.hrtime.bigint()
      const id = reply.header?.member_id
      if (!id || !reply.raftTerm) throw new Error(`status reply without header.member_id or raftTerm: ${JSON.stringify(reply)}`)
      const now = `${reply.leader ?? '0'}/${reply.raftTerm}`
      if (now !== last) emit({member, id, leader: reply.leader ?? '0', term: reply.raftTerm, atNs: String(atNs)})
      last = now
      failing = false
    } catch (error) {
      // forget the last answer: a restarted member must be reported again even if nothing changed
      last = undefined
      if (!failing) emit({member, error: (error as Error).message, atNs: String(process.hrtime.bigint())})
      failing = true
    }
    const waitMs = intervalMs - Number(process.hrtime.bigint() - sentNs) / 1e6
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs))
  }
}

urls.forEach((url, i) => void poll(i + 1, new URL(url)))
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
