import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../problem'
import type { ConnectionService } from '../../services/connection-service'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])

export const ConnectionSchema = Type.Object({
  status: Type.Union([Type.Literal('connected'), Type.Literal('reauthorize_needed'), Type.Literal('disconnected')]),
  division: Type.Union([Type.Integer(), Type.Null()]),
  baseUrl: Nullable(Type.String()),
  accessTokenExpiresAt: Nullable(Type.String({ format: 'date-time' })),
  connectedAt: Nullable(Type.String({ format: 'date-time' })),
  lastError: Nullable(Type.String()),
})

export function connectionRoutes(connections: ConnectionService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/connection/authorize', {
      schema: {
        tags: ['connection'], summary: 'Start connecting this tenant to Exact Online', operationId: 'authorizeConnection',
        description: 'Returns the Exact Online consent URL to open in a browser. Its state is single-use and expires in 10 minutes.',
        response: { 200: Type.Object({ authorizeUrl: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }), 401: problemResponses[401] },
      },
    }, async (request) => connections.startAuthorization(request.tenantId))

    app.get('/connection', {
      schema: {
        tags: ['connection'], summary: 'The tenant\'s Exact Online connection', operationId: 'getConnection',
        response: { 200: ConnectionSchema, 401: problemResponses[401] },
      },
    }, async (request) => connections.status(request.tenantId))

    app.delete('/connection', {
      schema: {
        tags: ['connection'], summary: 'Forget the Exact Online tokens', operationId: 'deleteConnection',
        response: { 204: Type.Null(), 401: problemResponses[401] },
      },
    }, async (request, reply) => {
      await connections.disconnect(request.tenantId)
      return reply.status(204).send(null)
    })
  }
}

/** Exact redirects the user's browser here; the state, not an API key, names the tenant. */
export function oauthCallbackRoutes(connections: ConnectionService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/oauth/callback', {
      schema: {
        tags: ['connection'], summary: 'OAuth redirect target (Exact Online calls it)', operationId: 'oauthCallback', security: [],
        querystring: Type.Object({ code: Type.String({ minLength: 1 }), state: Type.String({ minLength: 1 }) }),
        response: { 200: Type.Object({ status: Type.Literal('connected'), division: Type.Integer() }), 400: problemResponses[400], 503: problemResponses[503] },
      },
    }, async (request) => {
      const { division } = await connections.completeAuthorization(request.query.state, request.query.code)
      return { status: 'connected' as const, division }
    })
  }
}
