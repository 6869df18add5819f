import type { ExactClient } from './client'
import { ExactRefusedError } from './errors'
import {
  amountFromWire,
  amountToWire,
  guidLiteral,
  keyPath,
  numberOr,
  odataString,
  optionalAmount,
  optionalString,
  trimCode,
  type WireRecord,
} from './wire'

/**
 * Raw observations of how one administration behaves, for the conformance probe
 * (services/exact-probe.ts). Unlike the rest of the connector these calls ask Exact the exact
 * question a finding of exact-reality.md leaves open, so a refusal is an answer, not an error.
 */

export type FilterAnswer = { accepted: true } | { accepted: false; status: number; message: string }

/** A GET that may be refused for its filter: which of the two happened. */
export async function tryFilter(
  client: ExactClient,
  path: string,
  query: Record<string, string>,
): Promise<FilterAnswer> {
  try {
    await client.get(path, { ...query, $top: '1' })
    return { accepted: true }
  } catch (error) {
    if (error instanceof ExactRefusedError && error.status === 400)
      return { accepted: false, status: 400, message: error.exactMessage }
    throw error
  }
}

export interface RawPaymentCondition {
  code: string
  discountType: string | null
  /** As Exact sends it: the scale is what the probe wants to know. */
  discountPercentage: number | null
  discountCalculation: string | null
  vatCalculation: string | null
}

export async function rawPaymentConditions(client: ExactClient): Promise<RawPaymentCondition[]> {
  const rows = await client.list(
    'cashflow/PaymentConditions',
    { $select: 'Code,PaymentDiscountType,DiscountPercentage,DiscountCalculation,VATCalculation' },
    1,
  )
  return rows.map((r) => ({
    code: trimCode(r.Code),
    discountType: optionalString(r.PaymentDiscountType),
    discountPercentage:
      r.DiscountPercentage === null || r.DiscountPercentage === undefined ? null : Number(r.DiscountPercentage),
    discountCalculation: optionalString(r.DiscountCalculation),
    vatCalculation: optionalString(r.VATCalculation),
  }))
}

export type Side = 'sales' | 'purchase'
const ENTRIES: Record<Side, { path: string; lines: string; relation: string }> = {
  sales: { path: 'salesentry/SalesEntries', lines: 'SalesEntryLines', relation: 'Customer' },
  purchase: { path: 'purchaseentry/PurchaseEntries', lines: 'PurchaseEntryLines', relation: 'Supplier' },
}

export function entriesPath(side: Side): string {
  return ENTRIES[side].path
}

export interface ProbeEntry {
  journal: string
  relationId: string
  glAccountId: string
  vatCode: string
  yourRef: string
  description: string
  paymentCondition?: string
  /** Net line amount and its VAT, decimal strings. */
  net: string
  vat: string
}

export interface EntryReading {
  entryId: string
  entryNumber: number | null
  amount: string | null
  vat: string | null
  type: number | null
  lineVatBases: string[]
}

function reading(r: WireRecord, lines: string): EntryReading {
  const nested = r[lines] as { results?: WireRecord[] } | undefined
  return {
    entryId: String(r.EntryID),
    entryNumber: r.EntryNumber === undefined || r.EntryNumber === null ? null : numberOr(r.EntryNumber, 0),
    amount: optionalAmount(r.AmountFC),
    vat: optionalAmount(r.VATAmountFC),
    type: r.Type === undefined || r.Type === null ? null : numberOr(r.Type, 0),
    lineVatBases: (nested?.results ?? []).map((l) => amountFromWire(l.VATBaseAmountFC)),
  }
}

/** POSTs one entry of one line; answers what the POST answer itself said. */
export async function bookProbeEntry(client: ExactClient, side: Side, e: ProbeEntry): Promise<EntryReading> {
  const s = ENTRIES[side]
  const body: WireRecord = {
    Journal: e.journal,
    [s.relation]: e.relationId,
    YourRef: e.yourRef,
    Description: e.description,
    ...(e.paymentCondition ? { PaymentCondition: e.paymentCondition } : {}),
    [s.lines]: [
      {
        GLAccount: e.glAccountId,
        AmountFC: amountToWire(e.net),
        VATCode: e.vatCode,
        VATAmountFC: amountToWire(e.vat),
        VATBaseAmountFC: amountToWire(e.net),
        Description: e.description,
      },
    ],
  }
  return reading(await client.post(s.path, body), s.lines)
}

export async function readEntry(client: ExactClient, side: Side, entryId: string): Promise<EntryReading> {
  const s = ENTRIES[side]
  const row = await client.get(keyPath(s.path, entryId), {
    $select: `EntryID,EntryNumber,AmountFC,VATAmountFC,Type,${s.lines}/VATBaseAmountFC`,
    $expand: s.lines,
  })
  if (!row) throw new TypeError('the entry read back is empty')
  return reading(row, s.lines)
}

export interface OpenItemFields {
  amount: string | null
  discount: string | null
  total: string | null
}

export async function readOpenItemFields(
  client: ExactClient,
  side: Side,
  entryId: string,
): Promise<OpenItemFields | null> {
  const path = side === 'sales' ? 'cashflow/Receivables' : 'cashflow/Payments'
  const row = await client.get(path, {
    $filter: `TransactionEntryID eq ${guidLiteral(entryId)}`,
    $select: 'AmountFC,AmountDiscountFC,TransactionAmountFC',
    $top: '1',
  })
  return (
    row && {
      amount: optionalAmount(row.AmountFC),
      discount: optionalAmount(row.AmountDiscountFC),
      total: optionalAmount(row.TransactionAmountFC),
    }
  )
}

/** DELETE by key; a refusal's status is the observation (204 -> 'deleted'). */
export async function deleteAndObserve(
  client: ExactClient,
  side: Side,
  entryId: string,
): Promise<{ status: number; message?: string }> {
  try {
    await client.delete(keyPath(ENTRIES[side].path, entryId))
    return { status: 204 }
  } catch (error) {
    if (error instanceof ExactRefusedError) return { status: error.status, message: error.exactMessage }
    throw error
  }
}

/** A customer or supplier to book the probe's entry on, when the tenant has none remembered. */
export async function anyAccount(client: ExactClient, side: Side): Promise<string | null> {
  const row = await client.get('crm/Accounts', {
    $filter: side === 'sales' ? `Status eq ${odataString('C')}` : 'IsSupplier eq true',
    $select: 'ID',
    $top: '1',
  })
  return row ? String(row.ID) : null
}
