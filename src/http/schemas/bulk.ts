import { Type, type Static } from '@sinclair/typebox'
import { BulkJobTypeSchema } from '../../domain/bulk-job'
import type { BulkJobWithFailures } from '../../services/bulk-service'
import { DateTime, Ref, Uuid } from './common'

export const BulkJobStatusSchema = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('waiting_for_rate_limit'),
    Type.Literal('completed'),
    Type.Literal('cancelled'),
  ],
  { description: "waiting_for_rate_limit: Exact's daily call limit is spent; the job goes on by itself at resumeAt" },
)

export const BulkFailureSchema = Type.Object(
  {
    invoiceId: Type.String(),
    code: Type.String({ description: 'the error code a single export would answer with, e.g. mapping_missing' }),
    detail: Type.String(),
  },
  { additionalProperties: false },
)

const NullableDateTime = Type.Union([DateTime(), Type.Null()])

const summaryFields = {
  id: Uuid(),
  type: BulkJobTypeSchema,
  status: BulkJobStatusSchema,
  resumeAt: Type.Union([DateTime(), Type.Null()], { description: 'when a job waiting for the rate limit goes on' }),
  total: Type.Integer({ minimum: 0 }),
  exported: Type.Integer({ minimum: 0 }),
  skipped: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  pending: Type.Integer({ minimum: 0, description: 'total minus the three counts above' }),
  lastError: Type.Union([Type.String(), Type.Null()], {
    description: 'why the job is not progressing (e.g. the connection needs authorizing again)',
  }),
  createdAt: DateTime(),
  startedAt: NullableDateTime,
  finishedAt: NullableDateTime,
}

export const BulkJobSummarySchema = Type.Object(summaryFields, { $id: 'BulkJobSummary', additionalProperties: false })
type BulkJobSummaryView = Static<typeof BulkJobSummarySchema>

export const BulkJobSchema = Type.Object(
  { ...summaryFields, failures: Type.Array(BulkFailureSchema, { description: 'every failed invoice, oldest first' }) },
  { $id: 'BulkJob', additionalProperties: false },
)
type BulkJobView = Static<typeof BulkJobSchema>

export const BulkJobListSchema = Type.Object(
  { items: Type.Array(Ref(BulkJobSummarySchema)) },
  { $id: 'BulkJobList', additionalProperties: false },
)

type BulkJobRecord = Omit<BulkJobWithFailures, 'failures'>

export function toBulkJobSummaryView(j: BulkJobRecord): BulkJobSummaryView {
  return {
    id: j.id,
    type: j.type,
    status: j.status,
    resumeAt: j.resumeAt?.toISOString() ?? null,
    total: j.total,
    exported: j.exported,
    skipped: j.skipped,
    failed: j.failed,
    pending: Math.max(0, j.total - j.exported - j.skipped - j.failed),
    lastError: j.lastError,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  }
}

export function toBulkJobView(j: BulkJobWithFailures): BulkJobView {
  return { ...toBulkJobSummaryView(j), failures: j.failures }
}
