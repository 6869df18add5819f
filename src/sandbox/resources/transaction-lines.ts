import { entryAmount } from '../entry-amounts'
import type { Division, Entry } from '../model'
import { vatBase } from './entry-rows'
import { RowCache } from './memo'
import { pad3, padCode } from './padding'
import type { ResourceDef, Row } from './types'

const cache = new RowCache<Entry>()

/**
 * The ledger view of entries: LineNumber 0 is the AR (1300) / AP (1600) line with the total, lines ≥ 1 the
 * detail lines with their VAT in AmountVATFC; their IDs are the Sales/PurchaseEntryLines IDs. Sign
 * convention [U]: debit positive, so a sales invoice has a positive AR line and negative revenue lines.
 */
function linesOf(division: Division, entry: Entry, seqOf: (id: string) => number | undefined): Row[] {
  const account = division.accounts.get(entry.Account)
  const journal = division.journals.find((j) => j.Code === entry.Journal)
  const sign = entry.kind === 'sales' ? 1 : -1
  const common = {
    EntryID: entry.EntryID,
    EntryNumber: entry.EntryNumber,
    Date: new Date(entry.EntryDate),
    FinancialYear: entry.ReportingYear,
    FinancialPeriod: entry.ReportingPeriod,
    JournalCode: entry.Journal,
    JournalDescription: journal?.Description ?? null,
    Account: entry.Account,
    AccountCode: account ? padCode(account.Code) : null,
    AccountName: account?.text.Name ?? null,
    InvoiceNumber: entry.InvoiceNumber,
    YourRef: entry.YourRef,
    DueDate: new Date(entry.DueDate),
    PaymentReference: entry.PaymentReference,
    Currency: entry.Currency,
    Status: 20,
    Type: entry.Type,
    Division: division.id,
  }
  const controlGl = division.glAccounts.find((g) => g.ID === journal?.GLAccount)
  const total = entryAmount(entry).times(sign)
  const header: Row = {
    ID: entry.headerLineId,
    ...common,
    LineNumber: 0,
    GLAccount: controlGl?.ID ?? null,
    GLAccountCode: controlGl?.Code ?? null,
    GLAccountDescription: controlGl?.Description ?? null,
    AmountFC: total,
    AmountDC: total,
    AmountVATFC: null,
    AmountVATBaseFC: null,
    VATCode: null,
    VATPercentage: null,
    // "Discount amount when paid in time" (picqer TransactionLine.php): the discount on offer.
    Description: entry.Description,
    PaymentDiscountAmount: entry.discountOffered.eq(0) ? null : entry.discountOffered,
    __seq: seqOf(entry.headerLineId),
  }
  const details = entry.lines.map((line) => {
    const gl = division.glAccounts.find((g) => g.ID === line.GLAccount)
    const amount = line.AmountFC.times(-sign)
    return {
      ID: line.ID,
      ...common,
      LineNumber: line.LineNumber,
      GLAccount: line.GLAccount,
      GLAccountCode: gl?.Code ?? null,
      GLAccountDescription: gl?.Description ?? null,
      AmountFC: amount,
      AmountDC: amount,
      AmountVATFC: line.VATAmountFC.times(-sign),
      AmountVATBaseFC: vatBase(line).times(-sign),
      VATCode: pad3(line.VATCode),
      VATPercentage: line.VATPercentage,
      Description: line.Description ?? entry.Description,
      PaymentDiscountAmount: null,
      __seq: seqOf(line.ID),
    }
  })
  return [header, ...details]
}

export const transactionLines: ResourceDef = {
  path: 'financialtransaction/TransactionLines',
  type: 'TransactionLine',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'EntryID',
    'EntryNumber',
    'Date',
    'FinancialYear',
    'FinancialPeriod',
    'JournalCode',
    'JournalDescription',
    'GLAccount',
    'GLAccountCode',
    'GLAccountDescription',
    'Account',
    'AccountCode',
    'AccountName',
    'AmountDC',
    'AmountFC',
    'AmountVATFC',
    'AmountVATBaseFC',
    'VATCode',
    'VATPercentage',
    'Description',
    'InvoiceNumber',
    'YourRef',
    'DueDate',
    'PaymentDiscountAmount',
    'PaymentReference',
    'LineNumber',
    'Status',
    'Type',
    'Currency',
    'Division',
  ],
  list: ({ division, state }) =>
    [...division.entries.values()]
      .filter((e) => !e.deleted)
      .flatMap((entry) => {
        const version = `${entry.Timestamp}|${division.accounts.get(entry.Account)?.Timestamp ?? 0}`
        const bundle = cache.get(entry, version, () => ({
          lines: linesOf(division, entry, (id) => state.ids.seqOf(id)),
        }))
        return bundle.lines as Row[]
      }),
}
