/**
 * How the API answers what goes wrong: always `{"error": "<reason>"}`, with the status that says
 * whose fault it is (4xx: the request's, naming the field at fault; 500: ours).
 */
import type {FastifyError, FastifyInstance, FastifySchemaValidationError} from 'fastify'
import {ControlError} from '../node/control.js'

/** The body of every error answer. */
export interface ApiErrorBody {
  error: string
}

/** `body.id`, `params.ip`: where in the request a schema error sits, as people write it. */
function fieldOf(dataVar: string, instancePath: string, child?: unknown): string {
  const path = instancePath.split('/').filter(Boolean)
  if (typeof child === 'string') path.push(child)
  return [dataVar, ...path].join('.')
}

/** One schema violation as a sentence naming the field, e.g. `body.for_ms must be <= 600000`. */
function describeViolation(e: FastifySchemaValidationError, dataVar: string): string {
  switch (e.keyword) {
    case 'required':
      return `${fieldOf(dataVar, e.instancePath, e.params.missingProperty)} is required`
    case 'additionalProperties':
      return `${fieldOf(dataVar, e.instancePath, e.params.additionalProperty)} is not a known field`
    case 'type':
      // A missing body or a JSON array or string where an object belongs: say what to send.
      if (e.instancePath === '' && e.params.type === 'object') return `${dataVar} must be a JSON object`
      return `${fieldOf(dataVar, e.instancePath)} ${e.message ?? 'is invalid'}`
    default:
      return `${fieldOf(dataVar, e.instancePath)} ${e.message ?? 'is invalid'}`
  }
}

/** Replaces fastify's "body/for_ms must be integer" with messages that read as field names. */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: string): Error {
  return new Error(errors.map((e) => describeViolation(e, dataVar)).join('; '))
}

/** fastify's client errors, reworded to say how to fix the request. */
const CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported Content-Type; send application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body is too large',
}

/** The status and reason for anything a handler or fastify itself threw. */
export function toApiError(error: unknown): {status: number; body: ApiErrorBody} {
  if (error instanceof ControlError) return {status: error.status, body: {error: error.message}}
  const e = error as Partial<FastifyError>
  if (e.validation) return {status: 400, body: {error: e.message ?? 'invalid request'}}
  // fastify's own client errors (bad JSON, wrong media type, body too large) carry a 4xx status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {status: e.statusCode, body: {error: CLIENT_ERRORS[e.code ?? ''] ?? e.message ?? 'bad request'}}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {status: 500, body: {error: `internal error: ${message}`}}
}

/** Installs the JSON error answers, the JSON 404 and a serializer that writes bigints as strings. */
export function installErrorHandling(app: FastifyInstance): void {
  // Every body is JSON; fastify would hand a text/plain body to the schema as a string instead of a 415.
  app.removeContentTypeParser('text/plain')
  // JSON.stringify throws on BigInt; terms and kernel values are u64, so write them as decimal strings.
  app.setReplySerializer((payload) => JSON.stringify(payload, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value))
  app.setErrorHandler((error, _request, reply) => {
    const {status, body} = toApiError(error)
    return reply.code(status).send(body)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({error: `no route ${request.method} ${request.url.split('?')[0]}; the routes are GET /state, GET|POST /followers, DELETE /followers/:ip, GET|POST /crash, GET /metrics, GET /samples/heartbeat-rtt`}))
}
