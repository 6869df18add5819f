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
    /**
     * This line's VAT base (VATBaseAmountFC), sent explicitly: on a discount-for-cash invoice it is
     * net - the line's share of the discount even where the line is booked at net. The discount and
     * credit-limitation lines carry their own amount, on a VAT code that reports no base.
     */
    vatBaseAmount: MoneySchema,
    quantity: Type.Optional(Type.String({ description: 'Decimal string, from the invoice line' })),
    adjustment: Type.Optional(
      Type.Union([Type.Literal('discount_for_cash'), Type.Literal('credit_limitation')], {
        description: "Set on the discount-for-cash or credit-limitation line; absent on the invoice's own lines",
      }),
    ),
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
    /** The app's invoice number, at most YOUR_REF_MAX_LENGTH characters: the first half of the marker (see DESIGN "exactly once"). */
    yourRef: Type.String(),
    /** Unique per export attempt chain; stored in Exact's entry Description so a lost answer can be found again. */
    marker: Type.String(),
    paymentConditionCode: Type.Optional(Type.String()),
    /** PaymentReference: what the payer quotes (Belgian structured communication), so Exact's bank import matches the payment. */
    paymentReference: Type.Optional(Type.String()),
    lines: Type.Array(EntryLineSchema, { minItems: 1 }),
    /** Gross total including VAT: what the relation owes (or is owed). */
    total: MoneySchema,
    vatTotal: MoneySchema,
  },
  { $id: 'Entry', additionalProperties: false },
)
export type Entry = Static<typeof EntrySchema>

/**
 * Exact's YourRef length is not documented (exact-reality #9). If Exact cut a longer value
 * silently, the marker search (YourRef eq ...) would never find the entry after a lost answer and a
 * retry would book it twice. 30 characters is what every Exact reference field we know of holds,
 * so YourRef is never longer, the search uses the same value, and an invoice number that would not
 * survive the cap is refused before anything is sent (invoice-rules.ts). A read-back that shows
 * Exact kept less (yourRefKeptLength) lowers the cap for that connection from then on.
 */
export const YOUR_REF_MAX_LENGTH = 30

/** The YourRef an invoice number becomes: its first `max` characters (not UTF-16 units). */
export function capYourRef(invoiceNumber: string, max: number = YOUR_REF_MAX_LENGTH): string {
  const chars = Array.from(invoiceNumber)
  return chars.length <= max ? invoiceNumber : chars.slice(0, max).join('')
}

/**
 * Exact kept only the start of the YourRef we sent: how many characters it kept, else null (kept
 * whole, or changed otherwise, or not read).
 */
export function yourRefKeptLength(sent: string, kept: string | null): number | null {
  if (kept === null) return null
  const k = Array.from(kept.trimEnd())
  const s = Array.from(sent)
  return k.length > 0 && k.length < s.length && s.slice(0, k.length).join('') === k.join('') ? k.length : null
}
