import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { requireAdmin } from '../auth'
import { problemResponses } from '../problem'
import type { TenantService } from '../../services/tenant-service'

export const CreateTenantSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })
export const CreatedTenantSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  apiKey: Type.String({ description: 'Shown once; only its hash is stored' }),
})

export function adminRoutes(deps: { tenants: TenantService; adminApiKey?: string }): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Before the body is parsed or validated: 401 first.
    app.addHook('onRequest', requireAdmin(deps.adminApiKey))
    app.post('/admin/tenants', {
      schema: {
        tags: ['admin'], summary: 'Create a tenant and its API key', operationId: 'createTenant',
        security: [{ adminKey: [] }],
        body: CreateTenantSchema,
        response: { 201: CreatedTenantSchema, 400: problemResponses[400], 401: problemResponses[401] },
      },
    }, async (request, reply) => reply.status(201).send(await deps.tenants.create(request.body.name)))
  }
}
