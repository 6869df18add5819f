import { Type, type Static } from '@sinclair/typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, APP_ERROR_CODES, statusOf, type AppErrorCode } from '../domain/app-error'
import { asDatabaseUnavailable } from '../services/database-unavailable'
import { Ref, StringEnum } from './schemas/common'

/**
 * Fastify's own refusals (before any route runs) in our vocabulary: a stable code and the part
 * of the request at fault. These are the transport's problems, never thrown by a use case.
 */
const REQUEST_PROBLEM_CODES = [
  'invalid_json',
  'invalid_url',
  'uri_too_long',
  'unsupported_media_type',
  'payload_too_large',
  'bad_request',
] as const
export type RequestProblemCode = (typeof REQUEST_PROBLEM_CODES)[number]

/** RFC 9457 problem details, with our stable `code` and the offending `field` (a JSON pointer). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: StringEnum(
      [...new Set([...APP_ERROR_CODES, ...REQUEST_PROBLEM_CODES])] as (AppErrorCode | RequestProblemCode)[],
      {
        description: 'Stable and machine-readable: branch on this, never on title or detail',
      },
    ),
    detail: Type.String(),
    field: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String(), code: Type.Optional(Type.String()) })),
    ),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Problem', additionalProperties: false },
)
export type Problem = Static<typeof ProblemSchema>

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/**
 * Fastify's own refusals (before any route runs) in the catalogue's vocabulary, with the part of
 * the request at fault. These are the transport's problems, never thrown by a use case.
 */
const FRAMEWORK: Record<string, { code: AppErrorCode; field: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', field: 'body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    field: 'body',
    detail: 'The body is empty but its content-type says JSON: send the JSON, or no body and no content-type.',
  },
  FST_ERR_BAD_URL: { code: 'invalid_url', field: 'url', detail: 'The URL is not valid percent-encoded UTF-8.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'uri_too_long', field: 'url', detail: 'A path segment of the URL is too long.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', field: 'header/content-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', field: 'header/content-length' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', field: 'body' },
}

/** The route's own limit and media type (the PDF route takes application/pdf up to Exact's limit; the rest JSON up to 10 MB). */
function frameworkDetail(known: (typeof FRAMEWORK)[string], request: FastifyRequest): string | undefined {
  switch (known.code) {
    case 'payload_too_large':
      return `The body is larger than this route accepts (${bodyLimitOf(request)} bytes).`
    case 'unsupported_media_type':
      return `Send the body as ${mediaTypeOf(request)}.`
    default:
      return known.detail
  }
}

function frameworkDetails(known: (typeof FRAMEWORK)[string], request: FastifyRequest): Partial<Problem> {
  return known.code === 'payload_too_large' ? { details: { limit: bodyLimitOf(request) } } : {}
}

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024

function bodyLimitOf(request: FastifyRequest): number {
  return request.routeOptions?.bodyLimit ?? DEFAULT_BODY_LIMIT
}

function mediaTypeOf(request: FastifyRequest): string {
  const config = request.routeOptions?.config as { mediaType?: string } | undefined
  return config?.mediaType ?? 'application/json'
}

function problem(status: number, code: AppErrorCode, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `https://exact-bridge.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  }
}

export function sendProblem(reply: FastifyReply, body: Problem, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))))
  return reply.status(body.status).type('application/problem+json').send(body)
}

/** Ajv's errors for one part of the request -> one validation_failed naming every offending field. */
export function validationError(validation: NonNullable<FastifyError['validation']>, part: string): AppError {
  const errors = validation.map((v) => {
    const missing = v.keyword === 'required' ? `/${(v.params as { missingProperty: string }).missingProperty}` : ''
    const extra =
      v.keyword === 'additionalProperties' ? `/${(v.params as { additionalProperty: string }).additionalProperty}` : ''
    const field = `${part}${v.instancePath}${missing}${extra}`
    const message =
      v.keyword === 'additionalProperties'
        ? 'is not a known field'
        : v.keyword === 'required'
          ? 'is required'
          : (v.message ?? 'is invalid')
    return { field, message, code: v.keyword }
  })
  const first = errors[0]
  return new AppError('validation_failed', first ? `${first.field} ${first.message}` : `${part} is invalid`, {
    field: first?.field,
    details: { errors },
  })
}

export function errorHandler(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  error = asDatabaseUnavailable(error) ?? error
  if ((error as FastifyError).validation)
    error = validationError((error as FastifyError).validation!, (error as FastifyError).validationContext ?? 'body')
  if (error instanceof AppError) {
    const status = statusOf(error.code)
    // A database outage is logged once by the loops and /readyz, not once per request it refuses.
    if (error.code === 'database_unavailable')
      request.log.debug({ err: error }, 'request refused: the database is unavailable')
    else if (status >= 500) request.log.error({ err: error }, 'request failed')
    // `errors` (every offending field) is one top-level member, not repeated under `details`.
    const { errors, ...details } = error.details ?? {}
    const body = problem(status, error.code, error.message, {
      ...(error.field ? { field: error.field } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
      ...(Array.isArray(errors) ? { errors: errors as Problem['errors'] } : {}),
    })
    return sendProblem(reply, body, error.retryAfterSeconds)
  }
  const fastifyError = error as FastifyError
  const known =
    FRAMEWORK[fastifyError.code] ?? (error instanceof SyntaxError ? FRAMEWORK.FST_ERR_CTP_INVALID_JSON_BODY : undefined)
  if (known)
    return sendProblem(
      reply,
      problem(statusOf(known.code), known.code, frameworkDetail(known, request) ?? fastifyError.message, {
        field: known.field,
        ...frameworkDetails(known, request),
      }),
    )
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
  return {
    description,
    content: { 'application/problem+json': { schema: Ref(ProblemSchema) } },
  } as unknown as typeof ProblemSchema
}

export const problemResponses = {
  400: problemResponse('The request is malformed (validation_failed names each field)'),
  401: problemResponse('No API key, or one that is not valid'),
  404: problemResponse('No such resource for this tenant'),
  409: problemResponse('The resource is in a state that refuses this'),
  412: problemResponse('If-Match names a version that is no longer current'),
  413: problemResponse("The body is over the route's limit (details.limit)"),
  415: problemResponse('The body is not of a media type the route takes'),
  422: problemResponse('Well-formed, but the content or the mapping to Exact is refused'),
  500: problemResponse('The service failed; the log has the error'),
  502: problemResponse('Exact Online refused the call'),
  503: problemResponse('Exact Online or the database is unavailable; Retry-After says when to ask again'),
}
