/**
 * The HTTP API of a running node (`raftctl run --api 127.0.0.1:PORT`): fastify over the node's
 * NodeControl. Loopback by default, since the API can crash the node and change its learners
 * and has no authentication. Routes:
 *
 *   GET    /state           the node's view (role, term, vote, leader, timeouts)
 *   GET    /followers       voters and learners with last ack and heartbeat round trip
 *   POST   /followers       {"ip": "10.0.0.4", "id"?: 4} adds a learner; 201 and its row
 *   DELETE /followers/:ip   removes a learner; 204 (409 for a voting member)
 *   POST   /crash           {"for_ms": 1..600000}; 202 and what will happen
 *   GET    /crash           whether a crash is under way, and the last one's report
 *   GET    /metrics         Prometheus text format
 *   GET    /samples/heartbeat-rtt  round trips measured as leader since the last call (benchmarks)
 *
 * Every error is {"error": "<reason>"} with a 4xx status, or 500 for a fault of ours.
 */
import Fastify from 'fastify'
import {createServer, type AddressInfo} from 'node:net'
import {RaftctlError} from '../errors.js'
import type {NodeControl} from '../node/control.js'
import {installErrorHandling, schemaErrorFormatter} from './errors.js'
import {NodeMetrics} from './metrics.js'
import {crashRoutes} from './routes/crash.js'
import {nodeRoutes} from './routes/node.js'
import {sampleRoutes} from './routes/samples.js'

/** Where the API listens unless told otherwise: loopback only. */
export const DEFAULT_API_HOST = '127.0.0.1'

/** A listening API server. */
export interface ApiServer {
  /** Like http://127.0.0.1:8080, with the port actually bound (useful with port 0). */
  url: string
  /** Stops listening and unsubscribes from the node's events. Idempotent. */
  close(): Promise<void>
}

function listenError(host: string, port: number, error: unknown): RaftctlError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
  return new RaftctlError(`cannot listen for the API on ${host}:${port}: ${reason}; give another address with --api HOST:PORT`, {cause: error})
}

/**
 * Binds host:port and lets go again, so that `run` finds an address that is not here or a port
 * that is taken before it attaches anything (the real listen can still lose a race for the port).
 */
export async function checkApiAddress(opts: {host?: string; port: number}): Promise<void> {
  const host = opts.host ?? DEFAULT_API_HOST
  const probe = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen({host, port: opts.port}, resolve)
    })
  } catch (error) {
    throw listenError(host, opts.port, error)
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve))
  }
}

/** Starts the API of one node on host:port (host defaults to 127.0.0.1; port 0 picks a free one). */
export async function startApiServer(control: NodeControl, opts: {host?: string; port: number}): Promise<ApiServer> {
  const app = Fastify({
    logger: false, // the node's own log shows what matters; per-request lines would drown it
    schemaErrorFormatter,
    // Wrong types are errors, not values to coerce ("500" is not a number of ms); unknown fields too.
    ajv: {customOptions: {coerceTypes: false, removeAdditional: false}},
  })
  const metrics = new NodeMetrics(control)
  app.addHook('onClose', async () => metrics.dispose())
  installErrorHandling(app)
  nodeRoutes(app, control)
  crashRoutes(app, control)
  const stopSampling = sampleRoutes(app, control)
  app.addHook('onClose', async () => stopSampling())
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()))

  const host = opts.host ?? DEFAULT_API_HOST
  try {
    await app.listen({host, port: opts.port})
  } catch (error) {
    await app.close()
    throw listenError(host, opts.port, error)
  }
  const {port} = app.server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => (closing ??= app.close()),
  }
}
