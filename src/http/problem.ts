import { Type, type Static } from '@sinclair/typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, APP_ERROR_CODES, type AppErrorCode } from '../domain/app-error'
import { asDatabaseUnavailable } from '../services/database-unavailable'
import { Ref, StringEnum } from './schemas/common'

/**
 * Fastify's own refusals (before any route runs) in our vocabulary: a stable code and the part
 * of the request at fault. These are the transport's problems, never thrown by a use case.
 */
const REQUEST_PROBLEM_CODES = ['invalid_json', 'invalid_url', 'uri_too_long', 'unsupported_media_type', 'payload_too_large', 'bad_request'] as const
export type RequestProblemCode = (typeof REQUEST_PROBLEM_CODES)[number]

/** RFC 9457 problem details, with our stable `code` and the offending `field` (a JSON pointer). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: StringEnum([...new Set([...APP_ERROR_CODES, ...REQUEST_PROBLEM_CODES])] as (AppErrorCode | RequestProblemCode)[], {
      description: 'Stable and machine-readable: branch on this, never on title or detail',
    }),
    detail: Type.String(),
    field: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String(), code: Type.Optional(Type.String()) }))),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Problem', additionalProperties: false },
)
export type Problem = Static<typeof ProblemSchema>

/** The one table from error code to HTTP status. */
const STATUS: Record<AppErrorCode, number> = {
  validation_failed: 400,
  invoice_invalid: 422,
  settings_invalid: 422,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  invoice_changed_since_export: 409,
  mapping_missing: 422,
  relation_ambiguous: 422,
  export_disabled: 422,
  exact_rejected: 502,
  exact_unavailable: 503,
  exact_rate_limited: 503,
  not_connected: 409,
  reauthorize_needed: 409,
  division_required: 409,
  division_unreachable: 422,
  division_has_exports: 409,
  oauth_state_invalid: 400,
  undo_refused: 409,
  database_unavailable: 503,
  internal: 500,
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 414: 'URI Too Long',
  415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
}

export function statusOf(code: AppErrorCode): number {
  return STATUS[code]
}

const FRAMEWORK: Record<string, { status: number; code: RequestProblemCode; field: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', field: 'body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', field: 'body', detail: 'The body is empty but its content-type says JSON: send the JSON, or no body and no content-type.' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', field: 'url', detail: 'The URL is not valid percent-encoded UTF-8.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', field: 'url', detail: 'A path segment of the URL is too long.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', field: 'header/content-type', detail: 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', field: 'header/content-length' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', field: 'body', detail: 'The body is larger than the service accepts (10 MB).' },
}

function problem(status: number, code: Problem['code'], detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://exact-bridge.dev/problems/${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...extra }
}

export function sendProblem(reply: FastifyReply, body: Problem, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))))
  return reply.status(body.status).type('application/problem+json').send(body)
}

/** Ajv errors -> one problem naming every offending field. */
function validationProblem(error: FastifyError): Problem {
  const part = error.validationContext ?? 'body'
  const errors = (error.validation ?? []).map((v) => {
    const missing = v.keyword === 'required' ? `/${(v.params as { missingProperty: string }).missingProperty}` : ''
    const extra = v.keyword === 'additionalProperties' ? `/${(v.params as { additionalProperty: string }).additionalProperty}` : ''
    const field = `${part}${v.instancePath}${missing}${extra}`
    const message =
      v.keyword === 'additionalProperties' ? 'is not a known field' : v.keyword === 'required' ? 'is required' : (v.message ?? 'is invalid')
    return { field, message, code: v.keyword }
  })
  const first = errors[0]
  const detail = first ? `${first.field} ${first.message}` : error.message
  return problem(400, 'validation_failed', detail, { field: first?.field, errors })
}

export function errorHandler(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  error = asDatabaseUnavailable(error) ?? error
  if (error instanceof AppError) {
    const status = STATUS[error.code]
    // A database outage is logged once by the loops and /readyz, not once per request it refuses.
    if (error.code === 'database_unavailable') request.log.debug({ err: error }, 'request refused: the database is unavailable')
    else if (status >= 500) request.log.error({ err: error }, 'request failed')
    const body = problem(status, error.code, error.message, {
      ...(error.field ? { field: error.field } : {}),
      ...(error.details ? { details: error.details } : {}),
      ...(Array.isArray(error.details?.errors) ? { errors: error.details.errors as Problem['errors'] } : {}),
    })
    return sendProblem(reply, body, error.retryAfterSeconds)
  }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) return sendProblem(reply, validationProblem(fastifyError))
  const known = FRAMEWORK[fastifyError.code] ?? (error instanceof SyntaxError ? FRAMEWORK.FST_ERR_CTP_INVALID_JSON_BODY : undefined)
  if (known) return sendProblem(reply, problem(known.status, known.code, known.detail ?? fastifyError.message, { field: known.field }))
  const status = fastifyError.statusCode ?? 500
  if (status < 500) return sendProblem(reply, problem(status, 'bad_request', fastifyError.message))
  request.log.error({ err: error }, 'unhandled error')
  return sendProblem(reply, problem(500, 'internal', 'The service failed to handle this request; it has been logged.'))
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problem(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`))
}

/**
 * Every route's error answers: the one registered Problem schema, under the media type the error
 * handler sends (Fastify picks the serializer by the reply's content-type).
 */
function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Ref(ProblemSchema) } } } as unknown as typeof ProblemSchema
}

export const problemResponses = {
  400: problemResponse('The request is malformed (validation_failed names each field)'),
  401: problemResponse('No API key, or one that is not valid'),
  404: problemResponse('No such resource for this tenant'),
  409: problemResponse('The resource is in a state that refuses this'),
  422: problemResponse('Well-formed, but the content or the mapping to Exact is refused'),
  500: problemResponse('The service failed; the log has the error'),
  502: problemResponse('Exact Online refused the call'),
  503: problemResponse('Exact Online or the database is unavailable; Retry-After says when to ask again'),
}
