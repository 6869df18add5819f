import { Type, type Static } from '@sinclair/typebox'

/**
 * Glossary (the words the whole service uses, in this sense only):
 *
 * - invoice:  what the invoicing app sends us (domain/invoice.ts): a sales or purchase invoice, or a
 *             credit note (negative total), in the app's vocabulary.
 * - entry:    the journal entry we book in Exact (domain/entry.ts): a SalesEntry or PurchaseEntry
 *             with lines, VAT amounts and a payment condition, in our vocabulary (unpadded codes).
 * - relation: the Exact account (customer and/or supplier) an entry is booked on; matched from the
 *             invoice's party (domain/relation-match.ts) or created.
 * - division: one Exact Online administration; a tenant is connected to exactly one.
 * - export:   our record that one invoice version was (or is being) booked as one entry; it has a
 *             status (ExportStatus) and, once booked, Exact's EntryID and EntryNumber.
 * - attempt:  one try at sending an export's entry to Exact; an export has one or more, each with
 *             Exact's answer, kept for the history.
 * - marker:   a short unique tag (`xb-3F7K9Q2M`, domain/marker.ts) written first into the entry's
 *             Description so a filtered GET finds the entry again when Exact's answer was lost.
 */

export const InvoiceTypeSchema = Type.Union([Type.Literal('sales'), Type.Literal('purchase')], {
  description: 'sales: the party is a customer; purchase: the party is a supplier',
})
export type InvoiceType = Static<typeof InvoiceTypeSchema>

export const ExportStatusSchema = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('exported'),
    Type.Literal('failed'),
    Type.Literal('undone'),
    Type.Literal('deleted_in_exact'),
  ],
  { description: 'deleted_in_exact: a bookkeeper removed the entry in Exact itself' },
)
export type ExportStatus = Static<typeof ExportStatusSchema>

/** A JSON pointer into the checked document, e.g. `/lines/2/netAmount`. */
/** The outbound webhook events a tenant can receive. */
export const WEBHOOK_EVENT_TYPES = [
  'export.succeeded',
  'export.failed',
  'export.undone',
  'invoice.payment_updated',
  'bulk.completed',
  'export.modified_in_exact',
] as const

export type JsonPointer = string

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`)
}
