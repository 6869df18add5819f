import type { Decimal } from './decimal'
import type { DocumentAttachment, SandboxDocument } from './documents'
import type { IdFactory } from './ids'
import type { SyncEndpoint, SyncStamps } from './sync-stamps'
import type { WebhookSubscription } from './webhooks/subscription'

export interface Journal {
  ID: string
  Code: string
  Description: string
  Type: number
  GLAccount: string | null
  /** The journal's currency; the only one allowed unless AllowVariableCurrency (picqer Journal.php). */
  Currency: string
  AllowVariableCurrency: boolean
}

export interface GLAccount {
  ID: string
  Code: string
  Description: string
  Type: number
  BalanceSide: 'D' | 'C'
  BalanceType: 'B' | 'W'
  VATCode: string | null
  IsBlocked: boolean
}

export interface VATCode {
  ID: string
  Code: string
  Description: string
  Percentage: Decimal
  VATTransactionType: 'S' | 'P' | 'B'
  Type: 'E' | 'B' | 'I' | 'N'
}

export interface PaymentCondition {
  ID: string
  Code: string
  Description: string
  PaymentDays: number
  PaymentEndOfMonths: number
  PaymentMethod: string
  PaymentDiscountType: 'B' | 'K' | null
  DiscountPercentage: Decimal
  DiscountPaymentDays: number
  DiscountCalculation: 'E' | 'I' | null
  VATCalculation: 'E' | 'I' | null
}

/** Account fields kept as plain strings (Code and Country are stored unpadded, padded on read). */
export const ACCOUNT_TEXT_FIELDS = [
  'Name',
  'Status',
  'VATNumber',
  'ChamberOfCommerce',
  'Email',
  'Phone',
  'Website',
  'AddressLine1',
  'AddressLine2',
  'AddressLine3',
  'Postcode',
  'City',
  'State',
  'Country',
  'PaymentConditionSales',
  'PaymentConditionPurchase',
  'SalesVATCode',
  'PurchaseVATCode',
  'Language',
  'VATLiability',
  'Remarks',
] as const
export type AccountTextField = (typeof ACCOUNT_TEXT_FIELDS)[number]

export interface Account {
  ID: string
  Code: string
  text: Record<AccountTextField, string | null>
  IsSupplier: boolean
  Blocked: boolean
  Created: number
  Modified: number
  Timestamp: number
  deleted: boolean
}

export interface EntryLine {
  /** Also the line's ID in financialtransaction/TransactionLines (and its sync/Deleted key). */
  ID: string
  LineNumber: number
  GLAccount: string
  AmountFC: Decimal
  VATCode: string | null
  VATPercentage: Decimal
  VATAmountFC: Decimal
  /** The VAT base a client sent (writable per the dotnet SDK); null: the base is AmountFC. */
  VATBaseAmountFC: Decimal | null
  Description: string | null
  Quantity: number | null
  CostCenter: string | null
  CostUnit: string | null
  Project: string | null
  Notes: string | null
}

export type EntryKind = 'sales' | 'purchase'

/** A payment matched to an entry. In Exact it is a line of a bank or cash entry, whose EntryID `id` stands for. */
export interface Payment {
  id: string
  entryId: string
  amount: Decimal
  discount: Decimal
  date: number
  created: number
  active: boolean
  via: 'bank' | 'cash'
}

/**
 * One payment-term row of an entry (cashflow/Receivables, Payments, sync/Cashflow/PaymentTerms). An entry
 * starts with one open row; a partial payment splits off a matched row of its own (picqer Receivable.php
 * "A receivable can be split"), a payment for the rest matches the open row itself.
 */
export interface TermRow {
  ID: string
  /** The matched payment; null for the open remainder (at most one per entry). */
  payment: Payment | null
  /** amount + discount of the matched payment; null for the open remainder (total − matched rows). */
  amount: Decimal | null
  /** The row the entry was booked with: it carries the discount on offer. */
  original: boolean
  Timestamp: number
  Modified: number
}

export interface Entry {
  EntryID: string
  kind: EntryKind
  Journal: string
  Account: string
  EntryDate: number
  DueDate: number
  YourRef: string | null
  Description: string | null
  InvoiceNumber: number
  EntryNumber: number
  Currency: string
  PaymentCondition: string | null
  PaymentReference: string | null
  ReportingYear: number
  ReportingPeriod: number
  ExternalLinkReference: string | null
  OrderNumber: number | null
  /** documents/Documents ID "manually linked to the invoice" (picqer SalesEntry.php); settable by POST and PUT. */
  Document: string | null
  Status: number
  lines: EntryLine[]
  /** 20/21 sales, 30/31 purchase, fixed when the lines change (behaviour creditNoteType). */
  Type: number
  Created: number
  Modified: number
  /** Row version of the entry and its lines. */
  Timestamp: number
  terms: TermRow[]
  /** Settlement discount on offer from the payment condition, computed from the lines (signed like the total). */
  discountOffered: Decimal
  hid: number
  /** Id of the AR/AP line (LineNumber 0) in financialtransaction/TransactionLines. */
  headerLineId: string
  deleted: boolean
}

export interface Tombstone {
  ID: string
  EntityKey: string
  EntityType: number
  Timestamp: number
  DeletedDate: number
  DeletedBy: string
}

export interface Division {
  id: number
  userId: string
  userName: string
  description: string
  /** ISO country; Exact derives the legislation from it (picqer SystemDivision.php). */
  country: string
  currency: string
  journals: Journal[]
  glAccounts: GLAccount[]
  vatCodes: VATCode[]
  paymentConditions: PaymentCondition[]
  accounts: Map<string, Account>
  entries: Map<string, Entry>
  payments: Map<string, Payment>
  tombstones: Tombstone[]
  /** Lines deleted one by one, by ID (deleted entries keep theirs): their key answers deletedEntryStatus. */
  deletedLines: Map<string, EntryKind>
  journalSeq: Map<string, number>
  stamps: SyncStamps
  hidSeq: number
  documents: Map<string, SandboxDocument>
  attachments: Map<string, DocumentAttachment>
  documentHidSeq: number
  webhookSubscriptions: Map<string, WebhookSubscription>
}

export function nextTimestamp(division: Division, endpoint: SyncEndpoint, atMs: number): number {
  return division.stamps.issue(endpoint, atMs)
}

/** A sync/Deleted row (picqer SyncDeleted.php: EntityType 1 TransactionLines, 2 Accounts, 4 Attachments, 6 Documents, 10 PaymentTerms). */
export function addTombstone(division: Division, ids: IdFactory, key: string, entityType: number, now: number): void {
  division.tombstones.push({
    ID: ids.next(),
    EntityKey: key,
    EntityType: entityType,
    Timestamp: nextTimestamp(division, 'Deleted', now),
    DeletedDate: now,
    DeletedBy: division.userId,
  })
}
