/**
 * GET /state and the followers routes. POST and DELETE /followers keep the prototype's paths
 * with a safe meaning: they add and remove learners, which receive heartbeats and know the
 * leader but never count toward a quorum. Voting membership is the --peers list and changes
 * only by restart, so removing a voter is refused (409) rather than shrinking the quorum live.
 */
import type {FastifyInstance} from 'fastify'
import type {NodeControl} from '../../node/control.js'
import {MAX_NODE_ID} from '../../raft/config.js'

/** POST /followers body. */
interface AddFollowerBody {
  ip: string
  id?: number
}

const addFollowerSchema = {
  body: {
    type: 'object',
    required: ['ip'],
    additionalProperties: false,
    properties: {
      ip: {type: 'string', format: 'ipv4'},
      id: {type: 'integer', minimum: 1, maximum: MAX_NODE_ID},
    },
  },
} as const

const followerParamsSchema = {
  params: {type: 'object', required: ['ip'], properties: {ip: {type: 'string', format: 'ipv4'}}},
} as const

/** Registers GET /state, GET /followers, POST /followers and DELETE /followers/:ip. */
export function nodeRoutes(app: FastifyInstance, control: NodeControl): void {
  app.get('/state', async () => control.state())

  app.get('/followers', async () => control.followers())

  app.post<{Body: AddFollowerBody}>('/followers', {schema: addFollowerSchema}, async (request, reply) => {
    const row = control.addLearner(request.body.ip, request.body.id)
    return reply.code(201).header('location', `/followers/${row.addr}`).send(row)
  })

  app.delete<{Params: {ip: string}}>('/followers/:ip', {schema: followerParamsSchema}, async (request, reply) => {
    control.removeLearner(request.params.ip)
    return reply.code(204).send()
  })
}
