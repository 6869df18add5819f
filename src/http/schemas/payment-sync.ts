import { Type, type Static } from '@sinclair/typebox'
import type { PaymentSync, SyncOverview } from '../../services/payment-sync'
import { DateTime, NullableRef, Uuid } from './common'

export const SyncRunSchema = Type.Object(
  {
    id: Uuid(),
    trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual'), Type.Literal('webhook')], {
      description: 'webhook: an Exact Online event asked for it (debounced, issue 13)',
    }),
    status: Type.Union([
      Type.Literal('running'),
      Type.Literal('completed'),
      Type.Literal('failed'),
      Type.Literal('abandoned'),
    ]),
    startedAt: DateTime(),
    finishedAt: Type.Union([DateTime(), Type.Null()]),
    exactCalls: Type.Integer({ description: 'Calls this run made to Exact Online' }),
    changed: Type.Integer({ description: 'Invoices whose payment state changed' }),
    deleted: Type.Integer({ description: 'Exports found deleted in Exact (now deleted_in_exact)' }),
    errors: Type.Integer(),
    errorDetail: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'PaymentSyncRun', additionalProperties: false },
)
type SyncRunView = Static<typeof SyncRunSchema>

export const SyncOverviewSchema = Type.Object(
  { lastRun: NullableRef(SyncRunSchema), nextRunAt: Type.Union([DateTime(), Type.Null()]) },
  { $id: 'PaymentSyncOverview', additionalProperties: false },
)
type SyncOverviewView = Static<typeof SyncOverviewSchema>

type SyncRunRecord = Awaited<ReturnType<PaymentSync['getRun']>>

export function toSyncRunView(r: SyncRunRecord): SyncRunView {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    exactCalls: r.exactCalls,
    changed: r.changed,
    deleted: r.deleted,
    errors: r.errors,
    errorDetail: r.errorDetail,
  }
}

export function toSyncOverviewView(o: SyncOverview): SyncOverviewView {
  return { lastRun: o.lastRun ? toSyncRunView(o.lastRun) : null, nextRunAt: o.nextRunAt?.toISOString() ?? null }
}
