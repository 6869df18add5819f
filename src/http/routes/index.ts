import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Services } from '../../services'
import { bulkRoutes } from './bulk'
import { connectionRoutes, oauthCallbackRoutes } from './connection'
import { settingsRoutes } from './settings'
import { webhookRoutes } from './webhooks'
import { exportRoutes } from './exports'
import { invoiceRoutes } from './invoices'
import { documentRoutes } from './documents'
import { paymentRoutes } from './payments'
import { exactWebhookRoutes } from './exact-webhooks'

/** Routes behind a tenant API key (the caller registers requireTenant around them). */
export function tenantRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(connectionRoutes(services.connections, services.probes, services.exactWebhooks))
    await app.register(settingsRoutes(services.settings))
    await app.register(webhookRoutes(services.webhooks))
    await app.register(invoiceRoutes(services))
    await app.register(documentRoutes(services))
    await app.register(exportRoutes(services))
    await app.register(bulkRoutes(services))
    await app.register(paymentRoutes(services))
  }
}

/** Routes that authenticate otherwise (the OAuth state). */
export function publicRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(oauthCallbackRoutes(services.connections))
    await app.register(exactWebhookRoutes(services.exactWebhooks))
  }
}
