import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { emptyBodyIsObject } from '../empty-body'
import { problemResponses } from '../problem'
import type { ConnectionService } from '../../services/connection-service'
import type { ProbeService } from '../../services/exact-probe'
import { ProbeReportSchema } from '../../services/exact-probe'
import type { ExactWebhookService } from '../../services/exact-webhook-service'
import { Ref } from '../schemas/common'
import {
  AuthorizationSchema,
  ConnectionSchema,
  DivisionSchema,
  OAuthCallbackSchema,
  RegionSchema,
  toConnectionView,
} from '../schemas/connection'

export function connectionRoutes(
  connections: ConnectionService,
  probes: ProbeService,
  exactWebhooks: ExactWebhookService,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/connection/authorize',
      {
        preValidation: emptyBodyIsObject,
        schema: {
          tags: ['connection'],
          summary: 'Start connecting this tenant to Exact Online',
          operationId: 'authorizeConnection',
          description:
            "Returns the Exact Online consent URL (on the region's host) to open in a browser. Its state is single-use and expires in 10 minutes.",
          body: Type.Object({ region: Type.Optional(RegionSchema) }, { additionalProperties: false }),
          response: {
            200: Ref(AuthorizationSchema),
            400: problemResponses[400],
            401: problemResponses[401],
          },
        },
      },
      async (request) => {
        const started = await connections.startAuthorization(request.tenantId, request.body.region)
        return { ...started, expiresAt: started.expiresAt.toISOString() }
      },
    )

    app.get(
      '/connection',
      {
        schema: {
          tags: ['connection'],
          summary: "The tenant's Exact Online connection",
          operationId: 'getConnection',
          response: { 200: Ref(ConnectionSchema), 401: problemResponses[401] },
        },
      },
      async (request) =>
        toConnectionView(await connections.status(request.tenantId), await exactWebhooks.status(request.tenantId)),
    )

    app.get(
      '/connection/divisions',
      {
        schema: {
          tags: ['connection'],
          summary: 'The Exact administrations the grant reaches',
          operationId: 'listDivisions',
          response: {
            200: Type.Object({ divisions: Type.Array(Ref(DivisionSchema)) }),
            401: problemResponses[401],
            409: problemResponses[409],
          },
        },
      },
      async (request) => ({ divisions: await connections.divisions(request.tenantId) }),
    )

    app.put(
      '/connection/division',
      {
        schema: {
          tags: ['connection'],
          summary: 'Choose the Exact administration to book in',
          operationId: 'chooseDivision',
          description:
            'Only an administration the grant reaches (422 division_unreachable); a change only while no export is booked in the current one (409 division_has_exports). Settings are proposed again from the new chart.',
          body: Type.Object({ division: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
          response: {
            200: Ref(ConnectionSchema),
            400: problemResponses[400],
            401: problemResponses[401],
            409: problemResponses[409],
            422: problemResponses[422],
          },
        },
      },
      async (request) =>
        toConnectionView(
          await connections.chooseDivision(request.tenantId, request.body.division),
          await exactWebhooks.status(request.tenantId),
        ),
    )

    app.get(
      '/connection/probe',
      {
        schema: {
          tags: ['connection'],
          summary: "The last conformance probe of this tenant's administration",
          operationId: 'getProbe',
          description: 'Written by `npm run exact:probe -- --tenant <id>`; 404 until it has run.',
          response: { 200: Ref(ProbeReportSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => probes.last(request.tenantId),
    )

    app.delete(
      '/connection',
      {
        schema: {
          tags: ['connection'],
          summary: 'Forget the Exact Online tokens',
          operationId: 'deleteConnection',
          response: { 204: Type.Null(), 401: problemResponses[401] },
        },
      },
      async (request, reply) => {
        await connections.disconnect(request.tenantId)
        return reply.status(204).send(null)
      },
    )
  }
}

/** Exact redirects the user's browser here; the state, not an API key, names the tenant. */
export function oauthCallbackRoutes(connections: ConnectionService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/oauth/callback',
      {
        schema: {
          tags: ['connection'],
          summary: 'OAuth redirect target (Exact Online calls it)',
          operationId: 'oauthCallback',
          security: [],
          querystring: Type.Object({ code: Type.String({ minLength: 1 }), state: Type.String({ minLength: 1 }) }),
          response: {
            200: Ref(OAuthCallbackSchema),
            400: problemResponses[400],
            422: problemResponses[422],
            502: problemResponses[502],
            503: problemResponses[503],
          },
        },
      },
      async (request) => {
        const { status, division } = await connections.completeAuthorization(request.query.state, request.query.code)
        return { status, division }
      },
    )
  }
}
