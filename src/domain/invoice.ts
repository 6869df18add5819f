import { Type, type Static } from '@sinclair/typebox'
import { MoneySchema } from './money'
import { InvoiceTypeSchema } from './types'

/** `YYYY-MM-DD`; whether the day exists in the calendar is checked in invoice-rules.ts. */
export const DateSchema = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', examples: ['2026-11-20'] })

/** A VAT percentage as a decimal string: "21", "6", "0", "5.5". */
export const VatRateSchema = Type.String({
  pattern: '^(0|[1-9][0-9]?)(\\.[0-9]{1,2})?$',
  description: 'VAT percentage, decimal string, e.g. "21" or "5.5"',
  examples: ['21'],
})

/** An Exact code as a bookkeeper types it (GL account, VAT code, journal): no padding. */
export const ExactCodeSchema = Type.String({ minLength: 1, maxLength: 20, pattern: '^\\S(.*\\S)?$' })

/** At most 15 significant digits (9 + 6 decimals): sent to Exact as a JSON number, it stays exact. */
export const QuantitySchema = Type.String({
  pattern: '^-?(0|[1-9][0-9]{0,8})(\\.[0-9]{1,6})?$',
  description: 'Decimal string, e.g. "3" or "1.5"',
})

export const AddressSchema = Type.Object(
  {
    line1: Type.Optional(Type.String({ maxLength: 200 })),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    postcode: Type.Optional(Type.String({ maxLength: 20 })),
    city: Type.Optional(Type.String({ maxLength: 100 })),
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' })),
  },
  { additionalProperties: false },
)

export const PartySchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100, description: "The app's own stable key for this party" }),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: 'Exact account code' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    vatNumber: Type.Optional(Type.String({ maxLength: 30, examples: ['BE0123456789'] })),
    email: Type.Optional(Type.String({ maxLength: 200 })),
    address: Type.Optional(AddressSchema),
    exactAccountId: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Pins the Exact account (its ID) to book on, e.g. after a relation_ambiguous answer',
      }),
    ),
  },
  { $id: 'Party', additionalProperties: false },
)
export type Party = Static<typeof PartySchema>

export const InvoiceLineSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 200 })),
    /** Excluding VAT; negative on a credit note (or for a discount line). */
    netAmount: MoneySchema,
    vatRate: VatRateSchema,
    quantity: Type.Optional(QuantitySchema),
    glAccount: Type.Optional({ ...ExactCodeSchema, description: "Overrides the tenant's default GL account" }),
    vatCode: Type.Optional({ ...ExactCodeSchema, description: "Overrides the tenant's VAT code for this rate" }),
    vatAmount: Type.Optional({
      ...MoneySchema,
      description: 'VAT of this line as the app computed it (per-line rounding); used as is',
    }),
  },
  { $id: 'InvoiceLine', additionalProperties: false },
)
export type InvoiceLine = Static<typeof InvoiceLineSchema>

export const InvoiceTotalsSchema = Type.Object(
  { net: MoneySchema, vat: MoneySchema, gross: MoneySchema },
  { additionalProperties: false, description: 'When sent, must equal what the lines add up to' },
)

export const InvoiceSchema = Type.Object(
  {
    type: InvoiceTypeSchema,
    number: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        "The app's invoice number (Exact YourRef). Longer than 30 characters: 422 invoice_invalid, as Exact's YourRef may not keep it",
    }),
    issueDate: DateSchema,
    dueDate: Type.Optional(DateSchema),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217', examples: ['EUR'] }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    reference: Type.Optional(Type.String({ maxLength: 100 })),
    paymentReference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 35,
        description:
          'What the payer quotes with the payment (Exact PaymentReference), e.g. the Belgian structured communication ' +
          '+++123/4567/89012+++ (its check digits are checked). Without one, settings.generateStructuredReference makes it for sales invoices',
        examples: ['+++090/9337/55493+++'],
      }),
    ),
    party: PartySchema,
    paymentConditionId: Type.Optional(
      Type.String({ minLength: 1, description: 'An id from settings.paymentConditions' }),
    ),
    lines: Type.Array(InvoiceLineSchema, { minItems: 1, maxItems: 1000 }),
    totals: Type.Optional(InvoiceTotalsSchema),
  },
  { $id: 'Invoice', additionalProperties: false },
)
export type Invoice = Static<typeof InvoiceSchema>
