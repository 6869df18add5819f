import type { Party } from './invoice'
import type { InvoiceType } from './types'

/** An Exact account as the matching rules need it (the connector maps crm/Accounts into this). */
export interface ExactAccountCandidate {
  id: string
  /** Trimmed or padded; compared trimmed. */
  code: string
  name: string
  vatNumber: string | null
  postcode: string | null
  isCustomer: boolean
  isSupplier: boolean
}

/**
 * What resolving a party would do, without writing anything: the relation part of GET
 * /invoices/:id/export/preview (its view is the `relation` of ExportPreviewSchema, http/schemas/invoice.ts;
 * the route's type provider checks the two fit).
 */
export interface RelationPreview {
  action: 'use' | 'add_role' | 'create' | 'ambiguous'
  accountId: string | null
  code: string | null
  matchedBy: string | null
  candidates?: string[]
}

export type MatchedBy = 'pinned' | 'remembered' | 'code' | 'vat' | 'name_postcode'

export type RelationMatch =
  | { kind: 'matched'; account: ExactAccountCandidate; by: MatchedBy }
  | { kind: 'ambiguous'; by: 'code' | 'vat' | 'name_postcode'; candidates: ExactAccountCandidate[] }
  | { kind: 'none' }

/**
 * DESIGN "Relations", in this order, first rule that finds anything decides:
 * 1. pinned: party.exactAccountId (the app chose after relation_ambiguous);
 * 2. code: compared trimmed (Exact right-aligns account codes in 18 characters), case as typed;
 * 3. VAT number: spaces, dots and dashes removed, upper case (`BE 0123.456.789` = `BE0123456789`);
 * 4. name + postcode, last resort and exact only: the name with outer spaces trimmed and inner runs
 *    of spaces collapsed, CASE-SENSITIVE (booking on the wrong relation is worse than a duplicate a
 *    bookkeeper can merge; "ACME BV" and "Acme BV" may be two firms); the postcode without spaces,
 *    upper case ("1234 ab" = "1234AB": formatting, not identity).
 * A pinned id that is not among the candidates (deleted in Exact) falls through to
 * the next rule. Two or more accounts found by one rule are ambiguous, never a guess. The account
 * a party was matched to before is looked up by relation-service before any of these rules.
 */
export function matchRelation(party: Party, candidates: readonly ExactAccountCandidate[]): RelationMatch {
  const byId = (id: string | undefined) => (id === undefined ? undefined : candidates.find((c) => c.id === id))
  const pinned = byId(party.exactAccountId)
  if (pinned) return { kind: 'matched', account: pinned, by: 'pinned' }

  const rules: Array<{ by: 'code' | 'vat' | 'name_postcode'; key: (fields: MatchFields) => string | undefined }> = [
    { by: 'code', key: (x) => nonEmpty(x.code?.trim()) },
    { by: 'vat', key: (x) => nonEmpty(normaliseVatNumber(x.vatNumber)) },
    { by: 'name_postcode', key: nameAndPostcode },
  ]
  const partyFields = {
    code: party.code,
    vatNumber: party.vatNumber,
    name: party.name,
    postcode: party.address?.postcode,
  }
  for (const rule of rules) {
    const wanted = rule.key(partyFields)
    if (wanted === undefined) continue
    const found = candidates.filter((c) => rule.key(c) === wanted)
    if (found.length === 1) return { kind: 'matched', account: found[0], by: rule.by }
    if (found.length > 1) return { kind: 'ambiguous', by: rule.by, candidates: found }
  }
  return { kind: 'none' }
}

interface MatchFields {
  code?: string | null
  vatNumber?: string | null
  name?: string | null
  postcode?: string | null
}

export function normaliseVatNumber(vatNumber: string | null | undefined): string | undefined {
  return vatNumber?.replace(/[\s.-]/g, '').toUpperCase()
}

function nameAndPostcode(x: { name?: string | null; postcode?: string | null }): string | undefined {
  const name = nonEmpty(x.name?.trim().replace(/\s+/g, ' '))
  const postcode = nonEmpty(x.postcode?.replace(/\s/g, '').toUpperCase())
  return name === undefined || postcode === undefined ? undefined : `${name}\u0000${postcode}`
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** The role an account must gain before an entry of this type can be booked on it, if any. */
export function rolesNeeded(
  invoiceType: InvoiceType,
  account: Pick<ExactAccountCandidate, 'isCustomer' | 'isSupplier'>,
): 'customer' | 'supplier' | null {
  switch (invoiceType) {
    case 'sales':
      return account.isCustomer ? null : 'customer'
    case 'purchase':
      return account.isSupplier ? null : 'supplier'
    default: {
      const unexpected: never = invoiceType
      throw new Error(`unknown invoice type ${String(unexpected)}`)
    }
  }
}
