/**
 * POST /crash answers 202 Accepted at once instead of holding the request for the whole crash:
 * a crash may last up to 10 minutes, longer than HTTP clients and proxies wait, and the caller
 * wants to watch the cluster meanwhile (crash-simulate polls GET /state). The CrashReport that
 * control.crash() resolves with, or its failure, is kept for GET /crash, so it is never lost.
 */
import type {FastifyInstance} from 'fastify'
import {setImmediate as nextTurn} from 'node:timers/promises'
import {ControlError, type CrashReport, type NodeControl} from '../../node/control.js'

/** The longest crash the API accepts: 10 minutes, in ms. */
export const MAX_CRASH_MS = 600_000

/** What POST /crash answers with 202: what is about to happen. */
export interface CrashAccepted {
  nodeId: number
  wasLeader: boolean
  before: {leaderId: number; term: string}
  forMs: number
  /** When the node is due back, ISO 8601. */
  rejoinsAt: string
  message: string
}

/** GET /crash: whether a crash is under way, and how the last one ended. */
export interface CrashStatus {
  inProgress: boolean
  last?: {report?: CrashReport; error?: string}
}

const crashSchema = {
  body: {
    type: 'object',
    required: ['for_ms'],
    additionalProperties: false,
    properties: {for_ms: {type: 'integer', minimum: 1, maximum: MAX_CRASH_MS}},
  },
} as const

/** Registers POST /crash and GET /crash. */
export function crashRoutes(app: FastifyInstance, control: NodeControl): void {
  let running: Promise<unknown> | undefined
  let last: CrashStatus['last']

  app.post<{Body: {for_ms: number}}>('/crash', {schema: crashSchema}, async (request, reply) => {
    const forMs = request.body.for_ms
    const state = control.state()
    if (running || state.crashed) throw new ControlError(`n${state.nodeId} is already crashed; wait for it to rejoin`, 409)
    let refused: unknown
    const crash = control.crash(forMs)
    running = crash.then(
      (report) => { last = {report} },
      (error: unknown) => { refused = error; last = {error: error instanceof Error ? error.message : String(error)} },
    ).finally(() => { running = undefined })
    // A runtime that refuses (e.g. while stopping) rejects at once: answer that instead of 202.
    await nextTurn()
    if (refused !== undefined) throw refused
    const accepted: CrashAccepted = {
      nodeId: state.nodeId,
      wasLeader: state.role === 'leader',
      before: {leaderId: state.leaderId, term: state.term},
      forMs,
      rejoinsAt: new Date(Date.now() + forMs).toISOString(),
      message: `n${state.nodeId} behaves as crashed for ${forMs} ms (no raft traffic in or out), then rejoins as a follower`,
    }
    return reply.code(202).send(accepted)
  })

  app.get('/crash', async (): Promise<CrashStatus> => ({inProgress: running !== undefined, last}))
}
