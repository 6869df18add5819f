import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { REGIONS } from '../../domain/region'
import { emptyBodyIsObject } from '../empty-body'
import { problemResponses } from '../problem'
import type { ConnectionService } from '../../services/connection-service'
import type { ProbeService } from '../../services/exact-probe'
import { ProbeReportSchema } from '../../services/exact-probe'
import type { ExactWebhookService } from '../../services/exact-webhook-service'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])

const RegionSchema = Type.Union(REGIONS.map((r) => Type.Literal(r)), {
  description: 'The Exact Online country site of the tenant\'s account: nl .nl, be .be, de .de, uk .co.uk, fr .fr, es .es, us .com',
})

export const ConnectionSchema = Type.Object({
  status: Type.Union([Type.Literal('connected'), Type.Literal('division_required'), Type.Literal('reauthorize_needed'), Type.Literal('disconnected')]),
  region: Type.Union([RegionSchema, Type.Null()]),
  division: Type.Union([Type.Integer(), Type.Null()]),
  baseUrl: Nullable(Type.String()),
  accessTokenExpiresAt: Nullable(Type.String({ format: 'date-time' })),
  refreshTokenExpiresAt: Nullable(Type.String({ format: 'date-time', description: 'When the refresh token dies unless spent; the daily keep-alive spends it after 20 days' })),
  connectedAt: Nullable(Type.String({ format: 'date-time' })),
  lastError: Nullable(Type.String()),
  exactWebhooks: Type.Object({
    enabled: Type.Boolean({ description: 'EXACT_WEBHOOK_SECRET and EXACT_WEBHOOK_URL are set' }),
    subscriptions: Type.Array(Type.Object({
      topic: Type.String(),
      division: Type.Integer(),
      status: Type.Union([Type.Literal('subscribed'), Type.Literal('shared'), Type.Literal('failed')], {
        description: 'shared: the subscription exists for this division already (another tenant on it, or an earlier connection)',
      }),
      error: Nullable(Type.String()),
      createdAt: Type.String({ format: 'date-time' }),
    }, { additionalProperties: false })),
    lastEvent: Type.Union([Type.Object({
      at: Type.String({ format: 'date-time' }), topic: Type.String(), action: Type.String(), key: Type.String(),
      received: Type.Integer({ description: 'Events received for this tenant in all' }),
    }, { additionalProperties: false }), Type.Null()]),
  }, { additionalProperties: false, description: 'Exact Online webhooks: the subscriptions made and the last event received' }),
}, { additionalProperties: false })

const DivisionSchema = Type.Object({
  division: Type.Integer(),
  name: Type.String(),
  country: Nullable(Type.String()),
  current: Type.Boolean({ description: 'The administration the user last opened in Exact (current/Me.CurrentDivision)' }),
}, { additionalProperties: false })

export function connectionRoutes(connections: ConnectionService, probes: ProbeService, exactWebhooks: ExactWebhookService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/connection/authorize', {
      preValidation: emptyBodyIsObject,
      schema: {
        tags: ['connection'], summary: 'Start connecting this tenant to Exact Online', operationId: 'authorizeConnection',
        description: 'Returns the Exact Online consent URL (on the region\'s host) to open in a browser. Its state is single-use and expires in 10 minutes.',
        body: Type.Object({ region: Type.Optional(RegionSchema) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ authorizeUrl: Type.String(), region: RegionSchema, expiresAt: Type.String({ format: 'date-time' }) }),
          400: problemResponses[400], 401: problemResponses[401],
        },
      },
    }, async (request) => connections.startAuthorization(request.tenantId, request.body.region))

    app.get('/connection', {
      schema: {
        tags: ['connection'], summary: 'The tenant\'s Exact Online connection', operationId: 'getConnection',
        response: { 200: ConnectionSchema, 401: problemResponses[401] },
      },
    }, async (request) => ({ ...(await connections.status(request.tenantId)), exactWebhooks: await exactWebhooks.status(request.tenantId) }))

    app.get('/connection/divisions', {
      schema: {
        tags: ['connection'], summary: 'The Exact administrations the grant reaches', operationId: 'listDivisions',
        response: { 200: Type.Object({ divisions: Type.Array(DivisionSchema) }), 401: problemResponses[401], 409: problemResponses[409] },
      },
    }, async (request) => ({ divisions: await connections.divisions(request.tenantId) }))

    app.put('/connection/division', {
      schema: {
        tags: ['connection'], summary: 'Choose the Exact administration to book in', operationId: 'chooseDivision',
        description: 'Only an administration the grant reaches (422 division_unreachable); a change only while no export is booked in the current one (409 division_has_exports). Settings are proposed again from the new chart.',
        body: Type.Object({ division: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: ConnectionSchema, 400: problemResponses[400], 401: problemResponses[401], 409: problemResponses[409], 422: problemResponses[422] },
      },
    }, async (request) => ({ ...(await connections.chooseDivision(request.tenantId, request.body.division)), exactWebhooks: await exactWebhooks.status(request.tenantId) }))

    app.get('/connection/probe', {
      schema: {
        tags: ['connection'], summary: 'The last conformance probe of this tenant\'s administration', operationId: 'getProbe',
        description: 'Written by `npm run exact:probe -- --tenant <id>`; 404 until it has run.',
        response: { 200: ProbeReportSchema, 401: problemResponses[401], 404: problemResponses[404] },
      },
    }, async (request) => probes.last(request.tenantId))

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
        response: {
          200: Type.Object({ status: Type.Union([Type.Literal('connected'), Type.Literal('division_required')]), division: Type.Union([Type.Integer(), Type.Null()]) }),
          400: problemResponses[400], 422: problemResponses[422], 502: problemResponses[502], 503: problemResponses[503],
        },
      },
    }, async (request) => {
      const { status, division } = await connections.completeAuthorization(request.query.state, request.query.code)
      return { status, division }
    })
  }
}
