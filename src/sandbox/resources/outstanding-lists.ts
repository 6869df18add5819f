import type { EntryKind } from '../model'
import { termState } from '../terms'
import { padCode } from './padding'
import type { ResourceDef, Row } from './types'

/**
 * read/financial/ReceivablesList and PayablesList: one row per entry with something outstanding,
 * `Amount` = what is open (picqer ReceivablesList.php). Filters on AccountId/DueDate work (ossobv);
 * EntryNumber/JournalCode may be refused (receivablesListFilter) [U].
 */
function outstandingListDef(path: string, type: string, kind: EntryKind): ResourceDef {
  return {
    path,
    type,
    key: 'HID',
    keyKind: 'int',
    kind: 'read',
    order: 'seq',
    fields: [
      'HID',
      'AccountId',
      'AccountCode',
      'AccountName',
      'Amount',
      'AmountInTransit',
      'CurrencyCode',
      'Description',
      'DueDate',
      'EntryNumber',
      'InvoiceDate',
      'InvoiceNumber',
      'JournalCode',
      'JournalDescription',
      'YourRef',
      'Notes',
      ...(kind === 'purchase' ? ['ApprovalStatus'] : []),
    ],
    refusedFilter: (b) => (b.receivablesListFilter === 'refused' ? ['EntryNumber', 'JournalCode'] : []),
    list: ({ division }) =>
      [...division.entries.values()]
        .filter((e) => !e.deleted && e.kind === kind)
        .flatMap((entry) => {
          const { outstanding } = termState(entry)
          if (outstanding.eq(0)) return []
          const account = division.accounts.get(entry.Account)
          const journal = division.journals.find((j) => j.Code === entry.Journal)
          const row: Row = {
            HID: entry.hid,
            AccountId: entry.Account,
            AccountCode: account ? padCode(account.Code) : null,
            AccountName: account?.text.Name ?? null,
            Amount: outstanding,
            AmountInTransit: 0,
            CurrencyCode: entry.Currency,
            Description: entry.Description,
            DueDate: new Date(entry.DueDate),
            EntryNumber: entry.EntryNumber,
            InvoiceDate: new Date(entry.EntryDate),
            InvoiceNumber: entry.InvoiceNumber,
            JournalCode: entry.Journal,
            JournalDescription: journal?.Description ?? null,
            YourRef: entry.YourRef,
            Notes: null,
            __seq: entry.hid,
          }
          if (kind === 'purchase') row.ApprovalStatus = 1
          return [row]
        }),
  }
}

export const receivablesList = outstandingListDef('read/financial/ReceivablesList', 'ReceivablesList', 'sales')
export const payablesList = outstandingListDef('read/financial/PayablesList', 'PayablesList', 'purchase')
