import type { Decimal } from './decimal'

export interface Journal { ID: string; Code: string; Description: string; Type: number; GLAccount: string | null }

export interface GLAccount {
  ID: string; Code: string; Description: string; Type: number
  BalanceSide: 'D' | 'C'; BalanceType: 'B' | 'W'; VATCode: string | null
}

export interface VATCode {
  ID: string; Code: string; Description: string; Percentage: Decimal
  VATTransactionType: 'S' | 'P' | 'B'; Type: 'E' | 'B' | 'I' | 'N'
}

export interface PaymentCondition {
  ID: string; Code: string; Description: string; PaymentDays: number; PaymentEndOfMonths: number
  PaymentMethod: string; PaymentDiscountType: 'B' | 'K' | null; DiscountPercentage: Decimal
  DiscountPaymentDays: number; DiscountCalculation: 'E' | 'I' | null; VATCalculation: 'E' | 'I' | null
}

/** Account fields kept as plain strings (Code and Country are stored unpadded, padded on read). */
export const ACCOUNT_TEXT_FIELDS = [
  'Name', 'Status', 'VATNumber', 'ChamberOfCommerce', 'Email', 'Phone', 'Website',
  'AddressLine1', 'AddressLine2', 'AddressLine3', 'Postcode', 'City', 'State', 'Country',
  'PaymentConditionSales', 'PaymentConditionPurchase', 'SalesVATCode', 'PurchaseVATCode', 'Language',
  'VATLiability', 'Remarks',
] as const
export type AccountTextField = (typeof ACCOUNT_TEXT_FIELDS)[number]

export interface Account {
  ID: string; Code: string; text: Record<AccountTextField, string | null>
  IsSupplier: boolean; Blocked: boolean
  Created: number; Modified: number; Timestamp: number; deleted: boolean
}

export interface EntryLine {
  ID: string; LineNumber: number; GLAccount: string; AmountFC: Decimal
  VATCode: string | null; VATPercentage: Decimal; VATAmountFC: Decimal
  Description: string | null; Quantity: number | null
  CostCenter: string | null; CostUnit: string | null; Project: string | null; Notes: string | null
}

export type EntryKind = 'sales' | 'purchase'

export interface Payment {
  id: string; entryId: string; amount: Decimal; discount: Decimal; date: number; created: number; active: boolean
}

export interface Entry {
  EntryID: string; kind: EntryKind; Journal: string; Account: string
  EntryDate: number; DueDate: number; YourRef: string | null; Description: string | null
  InvoiceNumber: number; EntryNumber: number; Currency: string; PaymentCondition: string | null
  PaymentReference: string | null; ReportingYear: number; ReportingPeriod: number
  ExternalLinkReference: string | null; OrderNumber: number | null
  Status: number; lines: EntryLine[]
  Created: number; Modified: number
  /** Row version of the entry and its lines. */
  Timestamp: number
  /** Row version of the entry's single payment term (open item). */
  termTimestamp: number
  hid: number
  /** Id of the AR/AP line (LineNumber 0) in financialtransaction/TransactionLines. */
  headerLineId: string
  deleted: boolean
}

export interface Tombstone {
  ID: string; EntityKey: string; EntityType: number; Timestamp: number; DeletedDate: number; DeletedBy: string
}

export interface Division {
  id: number
  userId: string
  userName: string
  journals: Journal[]
  glAccounts: GLAccount[]
  vatCodes: VATCode[]
  paymentConditions: PaymentCondition[]
  accounts: Map<string, Account>
  entries: Map<string, Entry>
  payments: Map<string, Payment>
  paymentsByEntry: Map<string, Payment[]>
  tombstones: Tombstone[]
  journalSeq: Map<string, number>
  /** Shared Int64 row-version counter of this division (never reset, so sync clients stay valid). */
  timestamps: { next: number }
  hidSeq: number
}

export function nextTimestamp(division: Division): number {
  division.timestamps.next += 1
  return division.timestamps.next
}
