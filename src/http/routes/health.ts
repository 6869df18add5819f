import { Type } from '@sinclair/typebox'
import { Ref } from '../schemas/common'
import { ReadinessSchema, type Readiness } from '../schemas/health'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Registry } from 'prom-client'

export function healthRoutes(deps: {
  readiness: () => Promise<Readiness>
  registry: Registry
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['health'],
          summary: 'Liveness: the process answers',
          operationId: 'getHealth',
          security: [],
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    )

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers and the scheduler runs',
          operationId: 'getReadiness',
          security: [],
          response: { 200: Ref(ReadinessSchema), 503: Ref(ReadinessSchema) },
        },
      },
      async (_request, reply) => {
        const state = await deps.readiness()
        const ready = state.database && state.scheduler
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', ...state })
      },
    )

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['health'],
          summary: 'Prometheus metrics',
          operationId: 'getMetrics',
          security: [],
          produces: ['text/plain'],
          response: { 200: Type.String() },
        },
      },
      async (_request, reply) => {
        return reply.type(deps.registry.contentType).send(await deps.registry.metrics())
      },
    )
  }
}
