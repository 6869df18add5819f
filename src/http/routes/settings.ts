import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SettingsSchema } from '../../domain/settings'
import { problemResponses } from '../problem'
import { Ref } from '../schemas/common'
import { ChartRefreshSchema } from '../schemas/settings'
import { SettingsViewSchema, type SettingsService } from '../../services/settings-service'

export function settingsRoutes(settings: SettingsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/settings', {
      schema: {
        tags: ['settings'], summary: "The tenant's settings and which values were proposed from Exact", operationId: 'getSettings',
        description: 'Proposed from the Exact administration when the tenant connects; 404 until then (or until a PUT).',
        response: { 200: Ref(SettingsViewSchema), 401: problemResponses[401], 404: problemResponses[404] },
      },
    }, async (request) => settings.view(request.tenantId))

    app.put('/settings', {
      schema: {
        tags: ['settings'], summary: "Replace the tenant's settings", operationId: 'putSettings',
        description:
          'Full replace. 400 when the shape is wrong; 422 settings_invalid with `errors` naming each journal, GL account, ' +
          'VAT code or payment condition the Exact administration does not have (or has with another meaning), and a refused ' +
          'webhook URL (production: https, not resolving to a private, loopback or link-local address). Nothing is stored then. ' +
          '409 not_connected when the tenant is not connected (the codes cannot be checked).',
        body: Ref(SettingsSchema),
        response: {
          200: Ref(SettingsViewSchema),
          400: problemResponses[400], 401: problemResponses[401], 409: problemResponses[409], 422: problemResponses[422],
          502: problemResponses[502], 503: problemResponses[503],
        },
      },
    }, async (request) => settings.replace(request.tenantId, request.body))

    app.post('/settings/refresh-chart', {
      schema: {
        tags: ['settings'], summary: 'Read the Exact chart again now', operationId: 'refreshChart',
        description: 'The chart (journals, GL accounts, VAT codes, payment conditions) is cached for 24 hours and shared by every replica, ' +
          'and read again sooner when a booking names a code the cache lacks. Call this after changing the chart in Exact (about 4 calls).',
        response: {
          200: Ref(ChartRefreshSchema),
          401: problemResponses[401], 409: problemResponses[409], 502: problemResponses[502], 503: problemResponses[503],
        },
      },
    }, async (request) => settings.refreshChart(request.tenantId))
  }
}
