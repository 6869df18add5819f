import { layoutEntryLines, type LayoutLine } from './entry-layout'
import { capYourRef, type Entry, type EntryLine } from './entry'
import type { Invoice } from './invoice'
import { computeInvoiceAmounts } from './invoice-amounts'
import { toMoney } from './money'
import { NO_CONDITION, type ResolvedPaymentCondition } from './payment-discount'
import { resolvePaymentCondition, vatCodeFor, type Settings } from './settings'
import { structuredReferenceFor } from './structured-reference'
import type { JsonPointer } from './types'

export interface MappingProblem {
  field: JsonPointer
  code: 'mapping_missing' | 'export_disabled' | 'payment_condition_unknown'
  message: string
}

export type InvoiceToEntryResult = { ok: true; entry: Entry } | { ok: false; problems: MappingProblem[] }

const MAX_DESCRIPTION = 60

/**
 * Maps a checked invoice (checkInvoice found nothing) onto the tenant's administration. Every
 * missing code is reported at once, each kind once (a rate used on 100 lines is one problem),
 * pointing at the invoice field that needs it and naming the settings field that would supply it.
 * Amounts: VAT by the rounding rule (invoice-amounts.ts), lines laid out per the payment
 * condition and booking mode (entry-layout.ts); credit notes pass through with their signs and go
 * to the side's credit-note journal when the settings name one. The discount-for-cash and
 * credit-limitation lines carry the side's adjustment VAT code (outside the VAT base).
 */
export function invoiceToEntry(input: {
  invoice: Invoice
  settings: Settings
  marker: string
  yourRefMaxLength?: number
}): InvoiceToEntryResult {
  const { invoice, settings, marker } = input
  const side = settings[invoice.type]
  if (!side.enabled) {
    return {
      ok: false,
      problems: [
        {
          field: '/type',
          code: 'export_disabled',
          message: `export of ${invoice.type} invoices is switched off in the settings (/${invoice.type}/enabled)`,
        },
      ],
    }
  }
  const problems = new Map<string, MappingProblem>()
  const missing = (key: string, field: JsonPointer, message: string) => {
    if (!problems.has(key)) problems.set(key, { field, code: 'mapping_missing', message })
  }
  if (side.journal === null)
    missing('journal', '/type', `no ${invoice.type} journal in the settings (/${invoice.type}/journal)`)

  let condition: ResolvedPaymentCondition | undefined
  if (invoice.paymentConditionId !== undefined) {
    condition = resolvePaymentCondition(settings, invoice.paymentConditionId, invoice.type)
    if (!condition) {
      problems.set('condition', {
        field: '/paymentConditionId',
        code: 'payment_condition_unknown',
        message: `payment condition ${invoice.paymentConditionId} is not in the settings (/paymentConditions)`,
      })
    }
  }
  const amounts = computeInvoiceAmounts(invoice.lines, condition ?? NO_CONDITION)
  const layout = layoutEntryLines(amounts, condition ?? NO_CONDITION, settings.paymentDiscountBooking)

  const lines = layout.map((item): EntryLine | undefined => {
    switch (item.kind) {
      case 'invoice_line': {
        const line = invoice.lines[item.lineIndex]
        const glAccount = line.glAccount ?? side.defaultGlAccount
        const vatCode = line.vatCode ?? vatCodeFor(side, line.vatRate)
        if (glAccount === null) {
          missing(
            'gl',
            `/lines/${item.lineIndex}/glAccount`,
            `line ${item.lineIndex} names no GL account and the settings have no default (/${invoice.type}/defaultGlAccount)`,
          )
        }
        if (vatCode === undefined) {
          missing(
            `vat:${line.vatRate}`,
            `/lines/${item.lineIndex}/vatRate`,
            `no ${invoice.type} VAT code for ${line.vatRate} % in the settings (/${invoice.type}/vatCodes)`,
          )
        }
        if (glAccount === null || vatCode === undefined) return undefined
        const description = line.description ?? invoice.description ?? invoice.number
        return entryLine(glAccount, description, item, vatCode, line.quantity)
      }
      case 'discount_for_cash':
      case 'credit_limitation': {
        const c = condition ?? NO_CONDITION
        const what = item.kind === 'discount_for_cash' ? 'discount for cash' : 'credit limitation'
        const vatCode = side.adjustmentVatCode ?? null
        if (c.glAccount === null) {
          missing(
            'adjustment-gl',
            '/paymentConditionId',
            `payment condition ${c.id} has no ${what} GL account for ${invoice.type} invoices (/paymentConditions)`,
          )
        }
        if (vatCode === null) {
          missing(
            'adjustment-vat',
            '/paymentConditionId',
            `the ${what} line is outside the VAT base and needs a ${invoice.type} VAT code that reports no base (type N, no VAT) in the settings (/${invoice.type}/adjustmentVatCode)`,
          )
        }
        if (c.glAccount === null || vatCode === null) return undefined
        return { ...entryLine(c.glAccount, `${capitalise(what)} ${c.percent} %`, item, vatCode), adjustment: item.kind }
      }
      default: {
        const unexpected: never = item
        throw new Error(`unexpected layout line ${JSON.stringify(unexpected)}`)
      }
    }
  })

  if (problems.size > 0 || side.journal === null) return { ok: false, problems: [...problems.values()] }
  const creditNote = amounts.gross.lt(0)
  const paymentReference = invoice.paymentReference ?? generatedReference(invoice, settings)
  const entry: Entry = {
    type: invoice.type,
    journal: creditNote && side.creditNoteJournal ? side.creditNoteJournal : side.journal,
    entryDate: invoice.issueDate,
    ...(invoice.dueDate !== undefined ? { dueDate: invoice.dueDate } : {}),
    currency: invoice.currency,
    description: truncate(`${marker} ${invoice.description ?? invoice.number}`),
    yourRef: capYourRef(invoice.number, input.yourRefMaxLength),
    marker,
    ...(condition ? { paymentConditionCode: condition.exactCode } : {}),
    ...(paymentReference !== undefined ? { paymentReference } : {}),
    lines: lines.filter((l): l is EntryLine => l !== undefined),
    total: toMoney(amounts.gross),
    vatTotal: toMoney(amounts.vat),
  }
  return { ok: true, entry }
}

/** Only for sales invoices: it is what the customer quotes when paying us; a supplier's reference comes from the app. */
function generatedReference(invoice: Invoice, settings: Settings): string | undefined {
  if (invoice.type !== 'sales' || settings.generateStructuredReference !== true) return undefined
  return structuredReferenceFor(invoice.number) ?? undefined
}

function entryLine(
  glAccount: string,
  description: string,
  item: LayoutLine,
  vatCode: string,
  quantity?: string,
): EntryLine {
  return {
    glAccount,
    description: truncate(description),
    amount: toMoney(item.amount),
    vatCode,
    vatAmount: toMoney(item.vatAmount),
    vatBaseAmount: toMoney(item.vatBase),
    ...(quantity !== undefined ? { quantity } : {}),
  }
}

/** By characters, not UTF-16 units, so a cut never splits an emoji or accented pair. */
export function truncate(text: string, max = MAX_DESCRIPTION): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : chars.slice(0, max).join('').trimEnd()
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
