import { Type, type Static } from '@sinclair/typebox'
import { MoneySchema } from '../../domain/money'
import type { PaymentStatus, PaymentStatuses, PaymentStatusItem } from '../../domain/payment-status'
import { DateTime, Nullable, StringEnum } from './common'

/** GET /invoices/:id/payment-status: what the app shows; `source` says whether Exact was asked just now. */
export const PaymentStatusSchema = Type.Object(
  {
    invoiceId: Type.String(),
    status: StringEnum(['not_exported', 'unpaid', 'partially_paid', 'paid'], {
      description: 'not_exported: no booked entry in Exact (never exported, undone, failed or deleted in Exact)',
    }),
    amount: Nullable(MoneySchema),
    paid: Nullable(MoneySchema),
    discount: Nullable(
      Type.String({ ...MoneySchema, description: 'Payment discount granted when the invoice was settled' }),
    ),
    outstanding: Nullable(MoneySchema),
    currency: Nullable(Type.String({ minLength: 3, maxLength: 3 })),
    lastPaymentDate: Nullable(Type.String({ format: 'date' })),
    checkedAt: Nullable(DateTime({ description: 'When Exact was last read for this invoice' })),
    source: StringEnum(['live', 'stored'], {
      description:
        'live: Exact was asked during this request; stored: answered from the last reading (paid invoices, not exported ones)',
    }),
  },
  // Nullable and StringEnum, not unions: Fastify serializes this on every read (domain/schema-shapes.ts).
  { $id: 'PaymentStatus', additionalProperties: false },
)

/** GET /payment-statuses (its items extend PaymentStatusSchema): a payment status, or not_found for an id the tenant has no invoice for. */
export const PaymentStatusItemSchema = Type.Object(
  {
    ...PaymentStatusSchema.properties,
    status: StringEnum(['not_found', 'not_exported', 'unpaid', 'partially_paid', 'paid'], {
      description: 'not_found: the tenant has no invoice with this id; otherwise as GET /invoices/:id/payment-status',
    }),
  },
  { $id: 'PaymentStatusItem', additionalProperties: false },
)

export const PaymentStatusesSchema = Type.Object(
  {
    items: Type.Array(PaymentStatusItemSchema),
    nextCursor: Nullable(
      Type.String({
        description: 'With since: pass it as since to get what changed after these items (also when there were none)',
      }),
    ),
    hasMore: Type.Boolean({ description: 'With since: more changes are waiting; ask again with nextCursor at once' }),
  },
  { $id: 'PaymentStatuses', additionalProperties: false },
)

export function toPaymentStatusView(s: PaymentStatus): Static<typeof PaymentStatusSchema> {
  return { ...s, checkedAt: s.checkedAt?.toISOString() ?? null }
}

function toPaymentStatusItemView(s: PaymentStatusItem): Static<typeof PaymentStatusItemSchema> {
  return { ...s, checkedAt: s.checkedAt?.toISOString() ?? null }
}

export function toPaymentStatusesView(p: PaymentStatuses): Static<typeof PaymentStatusesSchema> {
  return { items: p.items.map(toPaymentStatusItemView), nextCursor: p.nextCursor, hasMore: p.hasMore }
}

/** GET /payment-statuses: by ids, or the change feed from a cursor (exactly one of the two). */
export const PaymentStatusesQuerySchema = Type.Object(
  {
    invoiceId: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        minItems: 1,
        maxItems: 100,
        description: 'Repeat for each invoice: ?invoiceId=a&invoiceId=b (at most 100)',
      }),
    ),
    since: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Every invoice whose payment state changed after this cursor: `0` from the start, then the nextCursor of the previous answer',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'With since: at most this many items' }),
    ),
  },
  { additionalProperties: false },
)
