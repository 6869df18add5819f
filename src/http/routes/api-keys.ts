import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../problem'
import { Ref } from '../schemas/common'
import { ApiKeyListSchema, CreatedApiKeySchema, toApiKeyView } from '../schemas/api-key'
import type { TenantService } from '../../services/tenant-service'

const TenantParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }) })

/** Key rotation; registered inside adminRoutes, behind ADMIN_API_KEY. */
export function apiKeyRoutes(tenants: TenantService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/admin/tenants/:tenantId/api-keys',
      {
        schema: {
          tags: ['admin'],
          summary: 'Create another API key for a tenant',
          operationId: 'createApiKey',
          description:
            'The key is in this answer only. To rotate: create a key, move the app over to it, delete the old one.',
          security: [{ adminKey: [] }],
          params: TenantParams,
          response: {
            201: Ref(CreatedApiKeySchema),
            400: problemResponses[400],
            401: problemResponses[401],
            404: problemResponses[404],
          },
        },
      },
      async (request, reply) => {
        const key = await tenants.createApiKey(request.params.tenantId)
        return reply.status(201).send({ id: key.id, createdAt: key.createdAt.toISOString(), apiKey: key.apiKey })
      },
    )

    app.get(
      '/admin/tenants/:tenantId/api-keys',
      {
        schema: {
          tags: ['admin'],
          summary: "A tenant's API keys (never the keys themselves)",
          operationId: 'listApiKeys',
          security: [{ adminKey: [] }],
          params: TenantParams,
          response: {
            200: Ref(ApiKeyListSchema),
            400: problemResponses[400],
            401: problemResponses[401],
            404: problemResponses[404],
          },
        },
      },
      async (request) => ({ items: (await tenants.listApiKeys(request.params.tenantId)).map(toApiKeyView) }),
    )

    app.delete(
      '/admin/tenants/:tenantId/api-keys/:keyId',
      {
        schema: {
          tags: ['admin'],
          summary: 'Revoke an API key',
          operationId: 'revokeApiKey',
          description:
            'Refused at once by the replica that answers this, and by every replica within 5 seconds (each keeps a key for at most 5 s before it looks it up again).',
          security: [{ adminKey: [] }],
          params: Type.Object({ tenantId: Type.String({ format: 'uuid' }), keyId: Type.String({ format: 'uuid' }) }),
          response: {
            204: Type.Null(),
            400: problemResponses[400],
            401: problemResponses[401],
            404: problemResponses[404],
          },
        },
      },
      async (request, reply) => {
        await tenants.revokeApiKey(request.params.tenantId, request.params.keyId)
        return reply.status(204).send(null)
      },
    )
  }
}
