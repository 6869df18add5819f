import { Type, type Static } from '@sinclair/typebox'
import { ExportStatusSchema, InvoiceTypeSchema } from '../../domain/types'
import { MoneySchema } from '../../domain/money'
import type { AttemptRecord, ExportRecord } from '../../domain/export-record'
import { Cursor, DateTime, Nullable, Ref, StringEnum } from './common'

export const ExportSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    invoiceId: Type.String(),
    type: InvoiceTypeSchema,
    status: ExportStatusSchema,
    entryId: Nullable(Type.String({ format: 'uuid', description: 'Exact EntryID' })),
    entryNumber: Nullable(Type.Integer({ description: 'Exact entry number, as the bookkeeper sees it' })),
    journal: Nullable(Type.String()),
    relation: Type.Union([
      Type.Object({ id: Type.String(), code: Nullable(Type.String()), created: Type.Boolean() }),
      Type.Null(),
    ]),
    marker: Type.String({
      description: 'Written at the start of the entry description; finds the entry again after a lost answer',
    }),
    total: Nullable(MoneySchema),
    exactTotal: Nullable(Type.String({ description: 'The total Exact reports for the entry' })),
    totalMismatch: Type.Boolean({ description: "Exact's total differs from the invoice's" }),
    exactType: Nullable(
      Type.Integer({
        description:
          "Exact's entry Type: 20 sales, 21 sales credit note, 30 purchase, 31 purchase credit note; null until read back",
      }),
    ),
    typeMismatch: Type.Boolean({
      description:
        "Exact's Type disagrees with the sign of the total (a credit note not booked as 21 / 31): check the entry in Exact",
    }),
    paymentReference: Nullable(
      Type.String({
        description: 'The PaymentReference the entry carries, e.g. the structured communication +++123/4567/89012+++',
      }),
    ),
    changedSinceExport: Type.Boolean(),
    modifiedInExact: Type.Boolean({
      description:
        'A bookkeeper changed the entry in Exact after it was booked (an Exact webhook event, checked against what was booked)',
    }),
    modifiedFields: Type.Array(StringEnum(['total', 'vatTotal', 'lines', 'relation', 'entryDate']), {
      description: 'What differs from what was booked',
    }),
    error: Nullable(
      Type.Object(
        { code: Type.String(), detail: Type.String() },
        {
          description:
            'Why it failed: the code of the refusal, or needs_attention when the recovery pass gave up on it',
        },
      ),
    ),
    recoveryAttempts: Type.Integer({ description: 'Recovery passes that found it still pending and backed it off' }),
    nextRecoveryAt: Nullable(
      DateTime({ description: 'When the recovery pass tries it next (back-off: 1 min doubling to 6 h)' }),
    ),
    exportedAt: Nullable(DateTime()),
    undoneAt: Nullable(DateTime()),
    createdAt: DateTime(),
    document: Nullable(
      Type.Object(
        {
          status: Type.Union(
            ['pending', 'attached', 'failed', 'removed'].map((s) => Type.Literal(s)),
            {
              description:
                'pending: not attached yet (a lost answer or an outage; the recovery pass tries again); attached: the entry links it; failed: Exact refused it (see error); removed: deleted with the entry on undo',
            },
          ),
          exactDocumentId: Nullable(Type.String({ description: 'Exact documents/Documents ID' })),
          exactAttachmentId: Nullable(Type.String({ description: 'Exact documents/DocumentAttachments ID' })),
          error: Nullable(Type.String()),
          attachedAt: Nullable(DateTime()),
        },
        { description: "The invoice's PDF in Exact (PUT /invoices/:id/document); null when the invoice has none" },
      ),
    ),
  },
  { $id: 'Export', additionalProperties: false },
)
export type ExportView = Static<typeof ExportSchema>

export const AttemptSchema = Type.Object(
  {
    action: Type.String(),
    outcome: Type.String(),
    request: Type.Unknown(),
    response: Type.Unknown(),
    at: DateTime(),
  },
  { $id: 'Attempt', additionalProperties: false },
)

/** Export's fields plus `attempts`: allOf would need unevaluatedProperties to stay closed, so the fields are restated from the one schema. */
export const ExportWithAttemptsSchema = Type.Object(
  { ...ExportSchema.properties, attempts: Type.Array(Ref(AttemptSchema)) },
  { $id: 'ExportWithAttempts', additionalProperties: false },
)

export const ExportPageSchema = Type.Object(
  {
    items: Type.Array(Ref(ExportSchema)),
    nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })),
  },
  { $id: 'ExportPage', additionalProperties: false },
)

export function toExportView(e: ExportRecord): ExportView {
  return {
    id: e.id,
    invoiceId: e.invoiceId,
    type: e.type,
    status: e.status,
    entryId: e.entryId,
    entryNumber: e.entryNumber,
    journal: e.journal,
    relation: e.relationId ? { id: e.relationId, code: e.relationCode, created: e.relationCreated } : null,
    marker: e.marker,
    total: e.total,
    exactTotal: e.exactTotal,
    totalMismatch: e.totalMismatch,
    changedSinceExport: e.changedSinceExport,
    modifiedInExact: e.modifiedInExact,
    modifiedFields: e.modifiedFields as ExportView['modifiedFields'],
    exactType: e.exactType,
    typeMismatch: e.typeMismatch,
    paymentReference: e.paymentReference,
    error: e.errorCode ? { code: e.errorCode, detail: e.errorDetail ?? '' } : null,
    recoveryAttempts: e.recoveryAttempts,
    nextRecoveryAt: e.status === 'pending' ? (e.nextRecoveryAt?.toISOString() ?? null) : null,
    exportedAt: e.exportedAt?.toISOString() ?? null,
    undoneAt: e.undoneAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    document: e.document
      ? {
          status: e.document.status as NonNullable<ExportView['document']>['status'],
          exactDocumentId: e.document.exactDocumentId,
          exactAttachmentId: e.document.exactAttachmentId,
          error: e.document.error,
          attachedAt: e.document.attachedAt?.toISOString() ?? null,
        }
      : null,
  }
}

export function toAttemptView(a: AttemptRecord) {
  return {
    action: a.action,
    outcome: a.outcome,
    request: a.request ?? null,
    response: a.response ?? null,
    at: a.at.toISOString(),
  }
}

/** GET /exports: the filters and the page. */
export const ExportListQuerystring = Type.Object({
  status: Type.Optional(ExportStatusSchema),
  type: Type.Optional(InvoiceTypeSchema),
  changedSinceExport: Type.Optional(Type.Boolean()),
  errorCode: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[a-z_]+$',
      description:
        'Failed exports with this error code, e.g. status=failed&errorCode=needs_attention: those the recovery pass gave up on',
    }),
  ),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
})
