import type { FastifyRequest } from 'fastify'

/** For routes whose body is all optional fields: no body at all means `{}`, not "body must be object". */
export async function emptyBodyIsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {}
}
