import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errorBody, ExactError, langOf } from './errors'
import { Faults, MAINTENANCE_PAGE } from './faults'
import type { OAuthStore } from './oauth-store'
import { ErrorLimiter, RateLimiter } from './rate-limit'
import { handleResource, type Answer } from './resource-handler'
import { ME_RESOURCE, type Registry } from './resources/registry'
import type { ResourceContext } from './resources/types'
import type { SandboxState } from './state'

export interface ApiDeps {
  state: SandboxState
  oauth: OAuthStore
  registry: Registry
  limiter: RateLimiter
  errorLimiter: ErrorLimiter
  faults: Faults
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH'])
const BLOCKING_STATUSES = new Set([400, 401, 403, 404])
const JSON_TYPE = 'application/json; charset=utf-8'

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function exactAnswer(error: ExactError): Answer {
  return { status: error.status, body: errorBody(error.message), headers: error.headers, contentType: JSON_TYPE }
}

export function baseUrlOf(state: SandboxState, request: FastifyRequest): string {
  return state.config.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`
}

/** `/api/v1/…`: token, faults, error block, rate limit, Accept, then the resource; counts everything. */
export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  const { state, oauth, registry, limiter, errorLimiter, faults } = deps

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: '/api/v1/*',
    handler: async (request, reply) => {
      const url = request.raw.url ?? ''
      const qIndex = url.indexOf('?')
      const rawPath = (qIndex < 0 ? url : url.slice(0, qIndex)).slice('/api/v1/'.length)
      const params = new URLSearchParams(qIndex < 0 ? '' : url.slice(qIndex + 1))
      let rest: string
      try {
        rest = decodeURIComponent(rawPath)
      } catch {
        rest = rawPath
      }
      const isCurrent = rest.startsWith('current/')
      const slash = rest.indexOf('/')
      const divisionPart = isCurrent ? null : rest.slice(0, Math.max(0, slash))
      const resourcePart = isCurrent ? rest : rest.slice(slash + 1)
      const target = isCurrent
        ? resourcePart === ME_RESOURCE.path
          ? { def: ME_RESOURCE, key: null, nav: null, count: false }
          : null
        : slash > 0
          ? registry.resolve(resourcePart)
          : null
      const endpoint = target
        ? target.def.path + (target.nav ? `/${target.nav}` : '')
        : resourcePart.replace(/\(.*$/, '')
      const method = request.method
      state.stats.countCall(method, endpoint)

      if (faults.config.latencyMs > 0) await sleep(faults.config.latencyMs)
      if (faults.drawError()) {
        state.stats.faults.errors += 1
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .header('retry-after', String(faults.config.retryAfterSeconds))
          .send(MAINTENANCE_PAGE)
      }

      const auth = oauth.authenticate(request.headers.authorization)
      if (!auth.ok) {
        state.stats.errorAnswers += 1
        // An expired token names its client, so it counts toward that endpoint's error block.
        if (auth.grant)
          errorLimiter.record(`${auth.grant.clientId}|${isCurrent ? auth.grant.division : divisionPart}|${endpoint}`)
        return send(reply, {
          status: 401,
          contentType: JSON_TYPE,
          body: errorBody(auth.reason === 'expired' ? 'Access token expired' : 'Unauthorized'),
          headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` },
        })
      }
      const grant = auth.grant
      // Limits and the error block count per division: the one in the path, or the current one for current/Me.
      const pathDivision = isCurrent ? grant.division : Number(divisionPart)
      const rateKey = `${grant.clientId}|${isCurrent ? grant.division : divisionPart}`
      const errorKey = `${rateKey}|${endpoint}`
      const blockedUntil = errorLimiter.blockedUntil(errorKey)
      if (blockedUntil !== null) {
        state.stats.rateLimited += 1
        const retryAfter = String(Math.ceil((blockedUntil - state.clock.now()) / 1000))
        return send(reply, {
          status: state.behaviour.errorBlockStatus,
          body: null,
          headers: { Reason: 'ErrorLimitExceeded', 'Retry-After': retryAfter },
        })
      }
      const decision = limiter.consume(rateKey)
      if (!decision.allowed) {
        state.stats.rateLimited += 1
        const headers = { ...decision.headers }
        if (state.behaviour.retryAfterOn429) {
          const reset = Number(
            headers[decision.limit === 'minute' ? 'X-RateLimit-Minutely-Reset' : 'X-RateLimit-Reset'],
          )
          headers['Retry-After'] = String(Math.max(1, Math.ceil((reset - state.clock.now()) / 1000)))
        }
        return send(reply, { status: 429, body: null, headers })
      }

      let answer: Answer
      const reachable = Number.isInteger(pathDivision) && grant.divisions.includes(pathDivision)
      const division = reachable ? state.division(pathDivision) : undefined
      if (!reachable) {
        answer = exactAnswer(new ExactError(403, 'Forbidden', { Reason: 'NoDivisionAccess' }))
      } else if (!division) {
        answer = exactAnswer(new ExactError(403, 'Forbidden', { Reason: 'DivisionBlocked' }))
      } else if (!/application\/json/i.test(String(request.headers.accept ?? ''))) {
        answer = exactAnswer(
          new ExactError(
            406,
            'The sandbox only answers JSON: send Accept: application/json (Exact Online would answer Atom XML).',
          ),
        )
      } else if (!target) {
        answer = exactAnswer(new ExactError(404, `Resource not found for the segment '${resourcePart}'.`))
      } else {
        const baseUrl = baseUrlOf(state, request)
        const ctx: ResourceContext = {
          state,
          division,
          grant,
          lang: langOf(grant.languageCode),
          now: state.clock.now(),
          params,
          baseUrl,
        }
        try {
          answer = handleResource({
            ctx,
            registry,
            target,
            method,
            params,
            body: request.body,
            baseUrl,
            divisionInUrl: isCurrent ? null : division.id,
            requestPath: `/api/v1/${rawPath}`,
          })
        } catch (error) {
          if (!(error instanceof ExactError)) throw error
          answer = exactAnswer(error)
        }
      }
      if (BLOCKING_STATUSES.has(answer.status)) errorLimiter.record(errorKey)
      if (answer.status >= 400) state.stats.errorAnswers += 1
      answer.headers = { ...decision.headers, ...answer.headers }
      if (WRITE_METHODS.has(method) && answer.status < 300 && faults.drawTimeout()) {
        state.stats.faults.timeouts += 1
        reply.hijack()
        request.raw.socket.destroy()
        return reply
      }
      return send(reply, answer)
    },
  })
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  reply.code(answer.status).headers(answer.headers)
  if (answer.body === null) return reply.send()
  return reply.type(answer.contentType ?? JSON_TYPE).send(answer.body)
}
