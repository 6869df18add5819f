import { sum, type Big } from './decimal'
import type { Entry } from './model'

/** The entry total incl. VAT (header AmountFC), positive for invoices and negative for credit notes. */
export function entryAmount(entry: Entry): Big {
  return sum(entry.lines.map((l) => l.AmountFC.plus(l.VATAmountFC)))
}

export function entryVat(entry: Entry): Big {
  return sum(entry.lines.map((l) => l.VATAmountFC))
}
