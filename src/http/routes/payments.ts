import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError } from '../../domain/app-error'
import type { PaymentService } from '../../services/payment-service'
import type { PaymentStatusReads } from '../../services/payment-status-reads'
import type { PaymentSync } from '../../services/payment-sync'
import { SyncOverviewSchema, SyncRunSchema, toSyncOverviewView, toSyncRunView } from '../schemas/payment-sync'
import { problemResponses } from '../problem'
import { Ref } from '../schemas/common'
import {
  PaymentStatusesQuerySchema,
  PaymentStatusesSchema,
  PaymentStatusSchema,
  toPaymentStatusesView,
  toPaymentStatusView,
} from '../schemas/payment-status'

export function paymentRoutes(deps: {
  payments: PaymentService
  paymentReads: PaymentStatusReads
  paymentSync: PaymentSync
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/invoices/:id/payment-status',
      {
        schema: {
          tags: ['payments'],
          summary: 'Whether an invoice is paid',
          operationId: 'getPaymentStatus',
          description:
            'An exported invoice not known to be paid is looked up in Exact Online now (`source: live`, one or two calls); ' +
            'a paid one is answered from the database (`source: stored`, no call).',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
          response: {
            200: Ref(PaymentStatusSchema),
            401: problemResponses[401],
            404: problemResponses[404],
            409: problemResponses[409],
            502: problemResponses[502],
            503: problemResponses[503],
          },
        },
      },
      async (request) => toPaymentStatusView(await deps.payments.status(request.tenantId, request.params.id)),
    )

    app.get(
      '/payment-statuses',
      {
        schema: {
          tags: ['payments'],
          summary: 'Payment statuses of many invoices, or of every invoice whose payment changed after a cursor',
          operationId: 'listPaymentStatuses',
          description:
            'Answered from the database alone (`source: stored`, no call to Exact), with `checkedAt` per item. ' +
            '`?invoiceId=a&invoiceId=b` (at most 100): one item per id, in that order, `not_found` for an id the tenant has no invoice for. ' +
            '`?since=0`, then `?since=<nextCursor>`: each invoice whose payment state changed after the cursor, oldest change first, ' +
            '`limit` at a time; an app that missed webhooks catches up from the last cursor it kept.',
          querystring: PaymentStatusesQuerySchema,
          response: { 200: Ref(PaymentStatusesSchema), 400: problemResponses[400], 401: problemResponses[401] },
        },
      },
      async (request) => {
        const { invoiceId, since, limit } = request.query
        if ((invoiceId === undefined) === (since === undefined)) {
          throw new AppError(
            'validation_failed',
            'Send either invoiceId (one or more) or since, not both and not neither.',
            { field: invoiceId ? 'querystring/since' : 'querystring/invoiceId' },
          )
        }
        return toPaymentStatusesView(
          invoiceId
            ? await deps.paymentReads.byIds(request.tenantId, invoiceId)
            : await deps.paymentReads.changes(request.tenantId, since!, limit ?? 100),
        )
      },
    )

    app.post(
      '/payment-sync',
      {
        schema: {
          tags: ['payments'],
          summary: 'Sync payment states from Exact now',
          operationId: 'startPaymentSync',
          description:
            'Starts an incremental sync for this tenant in the background and answers 202 with the run. ' +
            'While one runs, answers 202 with that run instead of starting another.',
          response: { 202: Ref(SyncRunSchema), 401: problemResponses[401], 409: problemResponses[409] },
        },
      },
      async (request, reply) => {
        const { run } = await deps.paymentSync.startNow(request.tenantId)
        return reply.status(202).header('location', `/payment-sync/runs/${run.id}`).send(toSyncRunView(run))
      },
    )

    app.get(
      '/payment-sync',
      {
        schema: {
          tags: ['payments'],
          summary: 'The last payment sync run and when the next starts',
          operationId: 'getPaymentSync',
          response: { 200: Ref(SyncOverviewSchema), 401: problemResponses[401] },
        },
      },
      async (request) => toSyncOverviewView(await deps.paymentSync.overview(request.tenantId)),
    )

    app.get(
      '/payment-sync/runs/:runId',
      {
        schema: {
          tags: ['payments'],
          summary: 'One payment sync run',
          operationId: 'getPaymentSyncRun',
          params: Type.Object({ runId: Type.String({ format: 'uuid' }) }),
          response: { 200: Ref(SyncRunSchema), 401: problemResponses[401], 404: problemResponses[404] },
        },
      },
      async (request) => toSyncRunView(await deps.paymentSync.getRun(request.tenantId, request.params.runId)),
    )
  }
}
