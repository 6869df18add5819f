import { Type } from '@sinclair/typebox'

/** GET /payment-statuses: by ids, or the change feed from a cursor (exactly one of the two). */
export const PaymentStatusesQuerySchema = Type.Object(
  {
    invoiceId: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1, maxItems: 100, description: 'Repeat for each invoice: ?invoiceId=a&invoiceId=b (at most 100)',
    })),
    since: Type.Optional(Type.String({
      minLength: 1, maxLength: 200,
      description: 'Every invoice whose payment state changed after this cursor: `0` from the start, then the nextCursor of the previous answer',
    })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'With since: at most this many items' })),
  },
  { additionalProperties: false },
)
