import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../domain/app-error'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireTenant; every tenant route reads its scope from here, never from the URL. */
    tenantId: string
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  const match = header?.match(/^Bearer\s+(\S+)$/i)
  return match?.[1]
}

const unauthorized = () =>
  new AppError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".', {
    field: 'header/authorization',
  })

export function requireTenant(authenticate: (key: string) => Promise<string | undefined>) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = bearer(request)
    const tenantId = key ? await authenticate(key) : undefined
    if (!tenantId) throw unauthorized()
    request.tenantId = tenantId
  }
}

export function requireAdmin(adminApiKey: string | undefined) {
  const expected = adminApiKey ? createHash('sha256').update(adminApiKey).digest() : undefined
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = bearer(request)
    if (!expected || !key) throw unauthorized()
    if (!timingSafeEqual(createHash('sha256').update(key).digest(), expected)) throw unauthorized()
  }
}
