/**
 * The HTTP API against a fake node: every route, its status codes and JSON, the JSON errors for
 * every kind of bad request, and how the server binds and lets go of its port.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {after, before, beforeEach, describe, it} from 'node:test'
import {startApiServer, type ApiServer} from '../../src/api/server.js'
import {ControlError, type NodeStateView} from '../../src/node/control.js'
import {FakeControl, leaderState} from './fake-control.js'
import {request, type Body} from './http.js'

const JSON_TYPE = 'application/json; charset=utf-8'

describe('API routes over a fake node', () => {
  let control: FakeControl
  let server: ApiServer
  const call = (method: string, path: string, body?: Body) => request(server.url, method, path, body)

  before(async () => {
    control = new FakeControl()
    server = await startApiServer(control, {port: 0})
  })
  after(() => server?.close())
  beforeEach(() => {
    control.current = leaderState()
    control.learners = []
  })

  it('GET /state answers the node view as JSON', async () => {
    const answer = await call('GET', '/state')
    assert.equal(answer.status, 200)
    assert.equal(answer.contentType, JSON_TYPE)
    assert.deepEqual(answer.json, leaderState())
  })

  it('writes bigints as decimal strings (u64 terms do not fit a JSON number)', async () => {
    control.current = {...leaderState(), term: 18_446_744_073_709_551_615n as unknown as string}
    const answer = await call('GET', '/state')
    assert.equal(answer.status, 200)
    assert.ok(answer.text.includes('"term":"18446744073709551615"'), answer.text)
  })

  it('GET /followers lists voters with their heartbeat round trip', async () => {
    const answer = await call('GET', '/followers')
    assert.equal(answer.status, 200)
    assert.equal(answer.contentType, JSON_TYPE)
    assert.deepEqual(answer.json, control.followers())
    assert.deepEqual((answer.json as {addr: string}[]).map((f) => f.addr), ['10.0.0.2', '10.0.0.3'])
  })

  it('POST /followers adds a learner: 201, its row and a Location', async () => {
    const answer = await call('POST', '/followers', {json: {ip: '10.0.0.4', id: 4}})
    assert.equal(answer.status, 201)
    assert.equal(answer.contentType, JSON_TYPE)
    assert.deepEqual(answer.json, {id: 4, addr: '10.0.0.4', voter: false})
    assert.equal(answer.headers.get('location'), '/followers/10.0.0.4')
    const listed = (await call('GET', '/followers')).json as {addr: string; voter: boolean}[]
    assert.deepEqual(listed.find((f) => f.addr === '10.0.0.4')?.voter, false)
  })

  it('POST /followers without an id lets the node choose one', async () => {
    const answer = await call('POST', '/followers', {json: {ip: '10.0.0.9'}})
    assert.equal(answer.status, 201)
    assert.deepEqual(control.learners.map((l) => l.addr), ['10.0.0.9'])
  })

  it('DELETE /followers/:ip removes a learner with 204 and no body, then 404s', async () => {
    control.addLearner('10.0.0.4', 4)
    const answer = await call('DELETE', '/followers/10.0.0.4')
    assert.deepEqual([answer.status, answer.text], [204, ''])
    assert.deepEqual(control.learners, [])
    const again = await call('DELETE', '/followers/10.0.0.4')
    assert.equal(again.status, 404)
    assert.equal(again.contentType, JSON_TYPE)
    assert.deepEqual(again.json, {error: 'no learner at 10.0.0.4'})
  })

  it('refuses to remove or re-add a voting member (409): membership changes only by restart', async () => {
    const removed = await call('DELETE', '/followers/10.0.0.2')
    assert.equal(removed.status, 409)
    assert.match((removed.json as {error: string}).error, /10\.0\.0\.2 is a voting member/)
    const added = await call('POST', '/followers', {json: {ip: '10.0.0.3'}})
    assert.equal(added.status, 409)
    assert.equal(control.followers().filter((f) => f.voter).length, 2)
  })

  const badRequests: {name: string; method: string; path: string; body?: Body; status: number; error: RegExp}[] = [
    {name: 'bad JSON', method: 'POST', path: '/followers', body: {raw: '{"ip": "10.0.0.4",', contentType: 'application/json'}, status: 400, error: /^body is not valid JSON$/},
    {name: 'an empty JSON body', method: 'POST', path: '/crash', body: {raw: '', contentType: 'application/json'}, status: 400, error: /body is empty/},
    {name: 'no body at all', method: 'POST', path: '/crash', status: 400, error: /^body must be a JSON object$/},
    {name: 'a JSON array', method: 'POST', path: '/followers', body: {json: ['10.0.0.4']}, status: 400, error: /^body must be a JSON object$/},
    {name: 'text/plain', method: 'POST', path: '/crash', body: {raw: 'for_ms=500', contentType: 'text/plain'}, status: 415, error: /Content-Type/},
    {name: 'a missing ip', method: 'POST', path: '/followers', body: {json: {id: 4}}, status: 400, error: /^body\.ip is required$/},
    {name: 'an ip of the wrong type', method: 'POST', path: '/followers', body: {json: {ip: 167772164}}, status: 400, error: /^body\.ip must be string$/},
    {name: 'an ip that is not IPv4', method: 'POST', path: '/followers', body: {json: {ip: '10.0.0.256'}}, status: 400, error: /^body\.ip must match format "ipv4"$/},
    {name: 'an id of the wrong type', method: 'POST', path: '/followers', body: {json: {ip: '10.0.0.4', id: '4'}}, status: 400, error: /^body\.id must be integer$/},
    {name: 'an id out of range', method: 'POST', path: '/followers', body: {json: {ip: '10.0.0.4', id: 0}}, status: 400, error: /^body\.id must be >= 1$/},
    {name: 'an unknown field', method: 'POST', path: '/followers', body: {json: {ip: '10.0.0.4', voter: true}}, status: 400, error: /^body\.voter is not a known field$/},
    {name: 'a bad ip in the path', method: 'DELETE', path: '/followers/eth0', status: 400, error: /^params\.ip must match format "ipv4"$/},
    {name: 'a missing for_ms', method: 'POST', path: '/crash', body: {json: {}}, status: 400, error: /^body\.for_ms is required$/},
    {name: 'for_ms as a string', method: 'POST', path: '/crash', body: {json: {for_ms: '500'}}, status: 400, error: /^body\.for_ms must be integer$/},
    {name: 'a fractional for_ms', method: 'POST', path: '/crash', body: {json: {for_ms: 1.5}}, status: 400, error: /^body\.for_ms must be integer$/},
    {name: 'for_ms 0', method: 'POST', path: '/crash', body: {json: {for_ms: 0}}, status: 400, error: /^body\.for_ms must be >= 1$/},
    {name: 'for_ms above 10 minutes', method: 'POST', path: '/crash', body: {json: {for_ms: 600_001}}, status: 400, error: /^body\.for_ms must be <= 600000$/},
    {name: 'an unknown route', method: 'GET', path: '/leader', status: 404, error: /^no route GET \/leader; the routes are/},
    {name: 'a known path with another method', method: 'PUT', path: '/state', status: 404, error: /^no route PUT \/state/},
  ]
  for (const c of badRequests) {
    it(`answers ${c.name} with ${c.status} and a JSON reason`, async () => {
      const answer = await call(c.method, c.path, c.body)
      assert.equal(answer.status, c.status, answer.text)
      assert.equal(answer.contentType, JSON_TYPE)
      assert.deepEqual(Object.keys(answer.json as object), ['error'])
      assert.match((answer.json as {error: string}).error, c.error)
      assert.deepEqual(control.crashes, [], 'a bad request changes nothing')
    })
  }

  it("answers a ControlError with its status, anything unexpected with 500, both as JSON", async () => {
    const original = control.addLearner
    control.addLearner = () => { throw new ControlError('the node is stopping', 503) }
    const refused = await call('POST', '/followers', {json: {ip: '10.0.0.4'}})
    control.addLearner = original
    assert.deepEqual([refused.status, refused.json], [503, {error: 'the node is stopping'}])
    control.state = () => { throw new Error('state map unreadable') }
    const broken = await call('GET', '/state')
    delete (control as Partial<FakeControl>).state
    assert.deepEqual([broken.status, broken.contentType, broken.json], [500, JSON_TYPE, {error: 'internal error: state map unreadable'}])
  })
})

describe('POST /crash', () => {
  let control: FakeControl
  let server: ApiServer
  const call = (method: string, path: string, body?: Body) => request(server.url, method, path, body)

  before(async () => {
    control = new FakeControl()
    server = await startApiServer(control, {port: 0})
  })
  after(() => server?.close())

  it('answers 202 with what will happen, crashes the node, and keeps the report for GET /crash', async () => {
    const answer = await call('POST', '/crash', {json: {for_ms: 150}})
    assert.equal(answer.status, 202)
    assert.equal(answer.contentType, JSON_TYPE)
    const accepted = answer.json as Record<string, unknown>
    assert.deepEqual([accepted.nodeId, accepted.wasLeader, accepted.before, accepted.forMs], [1, true, {leaderId: 1, term: '5'}, 150])
    assert.match(accepted.message as string, /n1 behaves as crashed for 150 ms/)
    assert.ok(Date.parse(accepted.rejoinsAt as string) > Date.now())
    assert.deepEqual(control.crashes, [150])
    assert.equal(((await call('GET', '/state')).json as NodeStateView).crashed, true)
    assert.deepEqual((await call('GET', '/crash')).json, {inProgress: true})

    const twice = await call('POST', '/crash', {json: {for_ms: 150}})
    assert.deepEqual([twice.status, twice.json], [409, {error: 'n1 is already crashed; wait for it to rejoin'}])

    for (const deadline = Date.now() + 5000; ((await call('GET', '/crash')).json as {inProgress: boolean}).inProgress;) {
      assert.ok(Date.now() < deadline, 'the 150 ms crash never ended')
      await sleep(20)
    }
    assert.equal(((await call('GET', '/state')).json as NodeStateView).crashed, false)
    assert.deepEqual((await call('GET', '/crash')).json,
      {inProgress: false, last: {report: {nodeId: 1, wasLeader: true, before: {leaderId: 1, term: '5'}, forMs: 150}}})
  })

  it('answers a crash the node refuses at once with its status, not 202', async () => {
    control.refuseCrash = new ControlError('the node is stopping', 503)
    const answer = await call('POST', '/crash', {json: {for_ms: 100}})
    control.refuseCrash = undefined
    assert.deepEqual([answer.status, answer.json], [503, {error: 'the node is stopping'}])
    assert.deepEqual((await call('GET', '/crash')).json, {inProgress: false, last: {error: 'the node is stopping'}})
  })
})

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({host, port})
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

describe('API server lifecycle', () => {
  it('listens on 127.0.0.1 only by default', async () => {
    const server = await startApiServer(new FakeControl(), {port: 0})
    try {
      const url = new URL(server.url)
      assert.equal(url.hostname, '127.0.0.1')
      const port = Number(url.port)
      assert.ok(port > 0)
      // 127.0.0.2 reaches this host's loopback too, but not a socket bound to 127.0.0.1 alone.
      assert.deepEqual([await connects('127.0.0.1', port), await connects('127.0.0.2', port), await connects('::1', port)],
        [true, false, false])
    } finally {
      await server.close()
    }
  })

  it('close() frees the port and unsubscribes from the node, and may be called twice', async () => {
    const control = new FakeControl()
    const server = await startApiServer(control, {port: 0})
    const port = Number(new URL(server.url).port)
    assert.equal(control.listeners.size, 2, 'metrics and the RTT samples listen to the node')
    await server.close()
    await server.close()
    assert.equal(control.listeners.size, 0)
    assert.equal(await connects('127.0.0.1', port), false)
    const again = await startApiServer(control, {host: '127.0.0.1', port})
    assert.equal(again.url, `http://127.0.0.1:${port}`)
    await again.close()
  })

  it('says which address is taken when the port is in use', async () => {
    const first = await startApiServer(new FakeControl(), {port: 0})
    try {
      const port = Number(new URL(first.url).port)
      await assert.rejects(startApiServer(new FakeControl(), {port}), {name: 'RaftctlError',
        message: `cannot listen for the API on 127.0.0.1:${port}: EADDRINUSE; give another address with --api HOST:PORT`})
    } finally {
      await first.close()
    }
  })
})
