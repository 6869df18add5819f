import { Type, type Static } from '@sinclair/typebox'
import { PaymentStatusSchema } from './payment-status'
import { Nullable, StringEnum } from './schema-shapes'

/** GET /payment-statuses (beside PaymentStatusSchema, which its items extend). One invoice in it: a payment status, or not_found for an id the tenant has no invoice for. */
export const PaymentStatusItemSchema = Type.Object(
  {
    ...PaymentStatusSchema.properties,
    status: StringEnum(['not_found', 'not_exported', 'unpaid', 'partially_paid', 'paid'], {
      description: 'not_found: the tenant has no invoice with this id; otherwise as GET /invoices/:id/payment-status',
    }),
  },
  { $id: 'PaymentStatusItem', additionalProperties: false },
)
export type PaymentStatusItem = Static<typeof PaymentStatusItemSchema>

export const PaymentStatusesSchema = Type.Object(
  {
    items: Type.Array(PaymentStatusItemSchema),
    nextCursor: Nullable(Type.String({ description: 'With since: pass it as since to get what changed after these items (also when there were none)' })),
    hasMore: Type.Boolean({ description: 'With since: more changes are waiting; ask again with nextCursor at once' }),
  },
  { $id: 'PaymentStatuses', additionalProperties: false },
)
export type PaymentStatuses = Static<typeof PaymentStatusesSchema>
