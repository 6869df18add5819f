import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAdmin } from '../auth'
import { emptyBodyIsObject } from '../empty-body'
import { problemResponses } from '../problem'
import { Ref } from '../schemas/common'
import { CreatedTenantSchema, CreateTenantSchema } from '../schemas/admin'
import { apiKeyRoutes } from './api-keys'
import type { TenantService } from '../../services/tenant-service'
import { ProbeReportSchema, type ProbeService } from '../../services/exact-probe'

export function adminRoutes(deps: {
  tenants: TenantService
  probes: ProbeService
  adminApiKey?: string
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Before the body is parsed or validated: 401 first.
    app.addHook('onRequest', requireAdmin(deps.adminApiKey))
    app.post(
      '/admin/tenants',
      {
        schema: {
          tags: ['admin'],
          summary: 'Create a tenant and its API key',
          operationId: 'createTenant',
          security: [{ adminKey: [] }],
          body: CreateTenantSchema,
          response: { 201: Ref(CreatedTenantSchema), 400: problemResponses[400], 401: problemResponses[401] },
        },
      },
      async (request, reply) => reply.status(201).send(await deps.tenants.create(request.body.name)),
    )

    app.post(
      '/admin/tenants/:tenantId/probe',
      {
        preValidation: emptyBodyIsObject,
        schema: {
          tags: ['admin'],
          summary: "Run the conformance probe against the tenant's Exact administration",
          operationId: 'runProbe',
          description:
            'Checks the Exact behaviours the service relies on (at most 14 calls, 3 error answers). With `write`, books one test entry, reads it back and deletes it. `npm run exact:probe` calls this.',
          security: [{ adminKey: [] }],
          params: Type.Object({ tenantId: Type.String({ format: 'uuid' }) }),
          body: Type.Object({ write: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          response: {
            200: Ref(ProbeReportSchema),
            400: problemResponses[400],
            401: problemResponses[401],
            404: problemResponses[404],
            409: problemResponses[409],
            422: problemResponses[422],
            502: problemResponses[502],
            503: problemResponses[503],
          },
        },
      },
      async (request) => deps.probes.run(request.params.tenantId, { write: request.body.write }),
    )

    await app.register(apiKeyRoutes(deps.tenants))
  }
}
