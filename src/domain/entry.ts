import { Type, type Static } from '@sinclair/typebox'
import { MoneySchema } from './money'

/**
 * The journal entry we send to Exact, in our vocabulary: codes as a bookkeeper types them
 * (unpadded), amounts as decimal strings. The connector translates it to Exact's wire format
 * (GL account GUIDs, padded codes, numbers). Built by domain/invoice-to-entry.ts.
 */
export const EntryLineSchema = Type.Object(
  {
    glAccount: Type.String({ description: 'GL account code, e.g. "8000"' }),
    description: Type.String(),
    /** Excluding VAT, signed (negative on a credit note), in the entry's currency. */
    amount: MoneySchema,
    vatCode: Type.String({ description: 'Exact VAT code, e.g. "2"' }),
    /** Sent explicitly so Exact's total equals the invoice's to the cent. */
    vatAmount: MoneySchema,
    quantity: Type.Optional(Type.String({ description: 'Decimal string, from the invoice line' })),
  },
  { $id: 'EntryLine', additionalProperties: false },
)
export type EntryLine = Static<typeof EntryLineSchema>

export const EntrySchema = Type.Object(
  {
    type: Type.Union([Type.Literal('sales'), Type.Literal('purchase')]),
    journal: Type.String({ description: 'Exact journal code, e.g. "70"' }),
    entryDate: Type.String({ format: 'date' }),
    dueDate: Type.Optional(Type.String({ format: 'date' })),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    description: Type.String(),
    /** The app's invoice number: the first half of the marker (see DESIGN "exactly once"). */
    yourRef: Type.String(),
    /** Unique per export attempt chain; stored in Exact's entry Description so a lost answer can be found again. */
    marker: Type.String(),
    paymentConditionCode: Type.Optional(Type.String()),
    lines: Type.Array(EntryLineSchema, { minItems: 1 }),
    /** Gross total including VAT: what the relation owes (or is owed). */
    total: MoneySchema,
    vatTotal: MoneySchema,
  },
  { $id: 'Entry', additionalProperties: false },
)
export type Entry = Static<typeof EntrySchema>
