import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../domain/app-error'
import { SettingsSchema, type Settings } from '../../domain/settings'
import { problemResponses, validationError } from '../problem'
import { Ref } from '../schemas/common'
import {
  ChartRefreshSchema,
  SettingsProposalSchema,
  toChartRefreshView,
  toSettingsProposalView,
} from '../schemas/settings'
import type { SettingsService, VersionedSettings } from '../../services/settings-service'

const MERGE_PATCH = 'application/merge-patch+json'

const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description:
        'The ETag of GET /settings: the write happens only if the settings are still that version (412 precondition_failed otherwise)',
    }),
  ),
})

const MergePatchSchema = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'An RFC 7396 JSON merge patch of the settings: objects merge member by member, null removes a member, ' +
      'arrays (paymentConditions) and other values replace. The result is checked exactly as a PUT body is.',
  },
)

/** What PUT and PATCH answer: the stored settings, or why nothing was stored. */
const WRITE_RESPONSES = {
  200: Ref(SettingsSchema),
  400: problemResponses[400],
  401: problemResponses[401],
  409: problemResponses[409],
  412: problemResponses[412],
  415: problemResponses[415],
  422: problemResponses[422],
  502: problemResponses[502],
  503: problemResponses[503],
}

const VERSION_HEADERS =
  "The answer carries the settings' version as `ETag` (send it back in `If-Match` to refuse a lost update) and `Last-Modified`."

/** The settings as the body; their version in the headers, where HTTP's conditional requests look for it. */
function sendVersioned(reply: FastifyReply, v: VersionedSettings): Settings {
  reply.header('ETag', v.etag).header('Last-Modified', v.updatedAt.toUTCString())
  return v.settings
}

function essence(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}

function unsupported(detail: string): AppError {
  return new AppError('unsupported_media_type', detail, { field: 'header/content-type' })
}

export function settingsRoutes(settings: SettingsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Only these routes take a merge patch; everywhere else it stays a 415.
    app.addContentTypeParser(MERGE_PATCH, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

    app.get(
      '/settings',
      {
        schema: {
          tags: ['settings'],
          summary: "The tenant's settings, as PUT takes them",
          operationId: 'getSettings',
          description:
            'Proposed from the Exact administration when the tenant connects; 404 until then (or until a PUT). ' +
            'Which values were proposed is GET /settings/proposal. ' +
            VERSION_HEADERS,
          response: { 200: Ref(SettingsSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request, reply) => sendVersioned(reply, await settings.current(request.tenantId)),
    )

    app.get(
      '/settings/proposal',
      {
        schema: {
          tags: ['settings'],
          summary: 'Which settings were proposed from Exact and not changed since',
          operationId: 'getSettingsProposal',
          description:
            'The values proposed from the Exact administration that the tenant has not changed ("please confirm"), and what ' +
            'the last proposal left out and why. 404 before the tenant has settings.',
          response: { 200: SettingsProposalSchema, 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toSettingsProposalView(await settings.proposal(request.tenantId)),
    )

    app.put(
      '/settings',
      {
        schema: {
          tags: ['settings'],
          summary: "Replace the tenant's settings",
          operationId: 'putSettings',
          description:
            'Full replace; takes what GET /settings returns. 400 when the shape is wrong; 422 settings_invalid with `errors` naming ' +
            'each journal, GL account, VAT code or payment condition the Exact administration does not have (or has with another ' +
            'meaning), and a refused webhook URL (production: https, not resolving to a private, loopback or link-local address). ' +
            'Nothing is stored then. 409 not_connected when the tenant is not connected (the codes cannot be checked). ' +
            VERSION_HEADERS,
          headers: IfMatchHeaders,
          body: Ref(SettingsSchema),
          response: WRITE_RESPONSES,
        },
      },
      async (request, reply) => {
        if (essence(request) === MERGE_PATCH)
          throw unsupported(
            `A merge patch is sent with PATCH /settings; PUT takes the whole settings as application/json.`,
          )
        return sendVersioned(
          reply,
          await settings.replace(request.tenantId, request.body, { ifMatch: request.headers['if-match'] }),
        )
      },
    )

    app.patch(
      '/settings',
      {
        schema: {
          tags: ['settings'],
          summary: 'Change some of the settings (JSON merge patch)',
          operationId: 'patchSettings',
          description:
            `An RFC 7396 merge patch (Content-Type: ${MERGE_PATCH}) laid over the stored settings. The result is checked exactly as a PUT ` +
            'body: 400 validation_failed naming the field (as `body/...`), 422 settings_invalid, and nothing is stored then. 404 before ' +
            'the tenant has settings. ' +
            VERSION_HEADERS,
          headers: IfMatchHeaders,
          body: { content: { [MERGE_PATCH]: { schema: MergePatchSchema } } },
          response: { ...WRITE_RESPONSES, 404: problemResponses[404] },
        },
      },
      async (request, reply) => {
        if (essence(request) !== MERGE_PATCH) throw unsupported(`Send the patch as ${MERGE_PATCH} (RFC 7396).`)
        // The PUT body's own validator (strict: no coercion, no removal), so a patched document is judged as a PUT is.
        const validate = request.compileValidationSchema(SettingsSchema, 'body')
        const checkShape = (doc: unknown): Settings => {
          if (!validate(doc)) throw validationError(validate.errors ?? [], 'body')
          return doc as Settings
        }
        return sendVersioned(
          reply,
          await settings.patch(request.tenantId, request.body, checkShape, { ifMatch: request.headers['if-match'] }),
        )
      },
    )

    app.post(
      '/settings/refresh-chart',
      {
        schema: {
          tags: ['settings'],
          summary: 'Read the Exact chart again now',
          operationId: 'refreshChart',
          description:
            'The chart (journals, GL accounts, VAT codes, payment conditions) is cached for 24 hours and shared by every replica, ' +
            'and read again sooner when a booking names a code the cache lacks. Call this after changing the chart in Exact (about 4 calls).',
          response: {
            200: Ref(ChartRefreshSchema),
            401: problemResponses[401],
            409: problemResponses[409],
            502: problemResponses[502],
            503: problemResponses[503],
          },
        },
      },
      async (request) => toChartRefreshView(await settings.refreshChart(request.tenantId)),
    )
  }
}
