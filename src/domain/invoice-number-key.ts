import type { Invoice } from './invoice'

/**
 * What two invoices must share to be "the same number" for the duplicate guard: the type and the
 * number, and for a purchase invoice also the supplier (the app's party id), since two suppliers
 * may well use one invoice number while a sales number is the tenant's own series.
 */
export function invoiceNumberKey(invoice: Pick<Invoice, 'type' | 'number' | 'party'>): string {
  const number = invoice.number.trim()
  return invoice.type === 'purchase' ? `${invoice.party.id}/${number}` : number
}
