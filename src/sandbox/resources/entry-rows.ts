import { amsterdamWallClock } from '../dates'
import { entryAmount, entryVat } from '../entry-amounts'
import { ACCOUNT_FIELD } from '../ledger'
import type { Division, Entry, EntryLine } from '../model'
import { pad3 } from './padding'
import type { Row } from './types'

const TYPE_DESCRIPTION: Record<number, string> = {
  20: 'Verkoopboeking',
  21: 'Creditnota verkoop',
  30: 'Inkoopboeking',
  31: 'Creditnota inkoop',
}

export const LINE_FIELDS = [
  'ID',
  'EntryID',
  'LineNumber',
  'GLAccount',
  'GLAccountCode',
  'GLAccountDescription',
  'AmountFC',
  'AmountDC',
  'VATCode',
  'VATPercentage',
  'VATAmountFC',
  'VATAmountDC',
  'VATBaseAmountFC',
  'VATBaseAmountDC',
  'Description',
  'Quantity',
  'CostCenter',
  'CostUnit',
  'Project',
  'Notes',
  'Division',
] as const

export function entryFields(accountField: string): string[] {
  return [
    'EntryID',
    'EntryNumber',
    'InvoiceNumber',
    'Journal',
    'JournalDescription',
    accountField,
    `${accountField}Name`,
    'EntryDate',
    'DueDate',
    'YourRef',
    'Description',
    'Currency',
    'Rate',
    'PaymentCondition',
    'PaymentConditionDescription',
    'PaymentReference',
    'ReportingYear',
    'ReportingPeriod',
    'AmountFC',
    'AmountDC',
    'VATAmountFC',
    'VATAmountDC',
    'Status',
    'StatusDescription',
    'Type',
    'TypeDescription',
    'ExternalLinkReference',
    'OrderNumber',
    'Document',
    'DocumentNumber',
    'DocumentSubject',
    'Created',
    'Modified',
    'Creator',
    'Division',
  ]
}

/** A line's VAT base: the one sent, else its amount. */
export function vatBase(line: EntryLine): EntryLine['AmountFC'] {
  return line.VATBaseAmountFC ?? line.AmountFC
}

export function lineRow(entry: Entry, line: EntryLine, division: Division): Row {
  const gl = division.glAccounts.find((g) => g.ID === line.GLAccount)
  return {
    ID: line.ID,
    EntryID: entry.EntryID,
    LineNumber: line.LineNumber,
    GLAccount: line.GLAccount,
    GLAccountCode: gl?.Code ?? null,
    GLAccountDescription: gl?.Description ?? null,
    AmountFC: line.AmountFC,
    AmountDC: line.AmountFC,
    VATCode: pad3(line.VATCode),
    VATPercentage: line.VATPercentage,
    VATAmountFC: line.VATAmountFC,
    VATAmountDC: line.VATAmountFC,
    VATBaseAmountFC: vatBase(line),
    VATBaseAmountDC: vatBase(line),
    Description: line.Description,
    Quantity: line.Quantity,
    CostCenter: line.CostCenter,
    CostUnit: line.CostUnit,
    Project: line.Project,
    Notes: line.Notes,
    Division: division.id,
  }
}

export function entryRow(entry: Entry, division: Division): Row {
  const account = division.accounts.get(entry.Account)
  const journal = division.journals.find((j) => j.Code === entry.Journal)
  const condition = division.paymentConditions.find((p) => p.Code === entry.PaymentCondition)
  const amount = entryAmount(entry)
  const vat = entryVat(entry)
  const accountField = ACCOUNT_FIELD[entry.kind]
  const doc = entry.Document ? division.documents.get(entry.Document) : undefined
  return {
    EntryID: entry.EntryID,
    EntryNumber: entry.EntryNumber,
    InvoiceNumber: entry.InvoiceNumber,
    Journal: entry.Journal,
    JournalDescription: journal?.Description ?? null,
    [accountField]: entry.Account,
    [`${accountField}Name`]: account?.text.Name ?? null,
    EntryDate: new Date(entry.EntryDate),
    DueDate: new Date(entry.DueDate),
    YourRef: entry.YourRef,
    Description: entry.Description,
    Currency: entry.Currency,
    Rate: 1,
    PaymentCondition: entry.PaymentCondition,
    PaymentConditionDescription: condition?.Description ?? null,
    PaymentReference: entry.PaymentReference,
    ReportingYear: entry.ReportingYear,
    ReportingPeriod: entry.ReportingPeriod,
    AmountFC: amount,
    AmountDC: amount,
    VATAmountFC: vat,
    VATAmountDC: vat,
    Status: entry.Status,
    StatusDescription: 'Open',
    Type: entry.Type,
    TypeDescription: TYPE_DESCRIPTION[entry.Type],
    ExternalLinkReference: entry.ExternalLinkReference,
    OrderNumber: entry.OrderNumber,
    // "Number of the document" and "Subject of the document" (picqer SalesEntry.php): its HID and Subject.
    Document: doc?.ID ?? null,
    DocumentNumber: doc?.HID ?? null,
    DocumentSubject: doc?.Subject ?? null,
    Created: new Date(amsterdamWallClock(entry.Created)),
    Modified: new Date(amsterdamWallClock(entry.Modified)),
    Creator: division.userId,
    Division: division.id,
  }
}
