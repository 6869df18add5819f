import Big from 'big.js'
import { YOUR_REF_MAX_LENGTH } from './entry'
import type { Invoice } from './invoice'
import { computeInvoiceAmounts, type InvoiceAmounts } from './invoice-amounts'
import { MONEY_LIMIT, MoneySchema } from './money'
import type { ResolvedPaymentCondition } from './payment-discount'
import { isValidStructuredReference, looksStructured } from './structured-reference'
import type { JsonPointer } from './types'

/**
 * What InvoiceSchema cannot say: real calendar dates, date order, amounts that parse, and the
 * arithmetic. Run after schema validation (400); any problem here is a 422 before anything is sent
 * to Exact.
 *
 * Arithmetic follows the VAT rounding rule in invoice-amounts.ts (README text there): VAT per rate
 * group on the group's net (after the discount for cash when one applies), rounded half away from
 * zero to cents, spread over the lines by largest remainder; a line's own `vatAmount` is used as is
 * but must lie within one cent of its net × rate.
 *
 * Sign: lines may mix signs (a discount line on an invoice, a correction on a credit note). The sign
 * of the total decides what Exact books: a negative gross is a credit note (Exact type 21 / 31).
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface InvoiceProblem {
  field: JsonPointer
  code:
    | 'account_id_invalid'
    | 'invalid_date'
    | 'due_before_issue'
    | 'no_lines'
    | 'invalid_amount'
    | 'invalid_vat_rate'
    | 'vat_amount_implausible'
    | 'totals_mismatch'
    | 'number_too_long'
    | 'payment_reference_invalid'
    | 'amount_out_of_range'
  message: string
}

export interface CheckInvoiceOptions {
  /** The invoice's payment condition, resolved from the settings, when it has one. */
  discount?: ResolvedPaymentCondition
  /** The longest YourRef the tenant's Exact keeps, when found shorter than YOUR_REF_MAX_LENGTH. */
  yourRefMaxLength?: number
}

const MONEY = new RegExp(MoneySchema.pattern!)
const RATE = /^(0|[1-9][0-9]?)(\.[0-9]{1,2})?$/
const ONE_CENT = new Big('0.01')

export function checkInvoice(invoice: Invoice, options: CheckInvoiceOptions = {}): InvoiceProblem[] {
  const problems = [
    ...checkReferences(invoice, options.yourRefMaxLength ?? YOUR_REF_MAX_LENGTH),
    ...checkDates(invoice),
    ...checkShapeOfAmounts(invoice),
  ]
  if (problems.some((p) => p.code === 'invalid_amount' || p.code === 'invalid_vat_rate' || p.code === 'no_lines')) {
    return problems
  }
  const amounts = computeInvoiceAmounts(invoice.lines, options.discount)
  return [...problems, ...checkMagnitude(amounts), ...checkLineVat(invoice, amounts), ...checkTotals(invoice, amounts)]
}

/** Each line fits the money bound; their sums must too (the entry's total is stored and sent). */
function checkMagnitude(amounts: InvoiceAmounts): InvoiceProblem[] {
  const sums = { net: amounts.net, vat: amounts.vat, gross: amounts.gross, payableInTime: amounts.payableInTime }
  return Object.entries(sums)
    .filter(([, value]) => value.abs().gte(MONEY_LIMIT))
    .slice(0, 1)
    .map(([name, value]) => ({
      field: '/lines',
      code: 'amount_out_of_range' as const,
      message: `the lines add up to a ${name} of ${value.toFixed(2)}; amounts must stay below ${MONEY_LIMIT.toFixed(0)}`,
    }))
}

/** A negative total is booked as a credit note. */
export function isCreditNote(amounts: Pick<InvoiceAmounts, 'gross'>): boolean {
  return amounts.gross.lt(0)
}

export function isCalendarDate(value: string): boolean {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return day <= days
}

/**
 * The invoice number becomes the entry's YourRef, which the exactly-once search looks for; a
 * number Exact might cut would make that search miss (entry.ts YOUR_REF_MAX_LENGTH). A structured
 * communication with wrong check digits would be refused by the payer's bank.
 */
function checkReferences(invoice: Invoice, yourRefMaxLength: number): InvoiceProblem[] {
  const problems: InvoiceProblem[] = []
  const length = Array.from(invoice.number).length
  if (length > yourRefMaxLength) {
    problems.push({
      field: '/number',
      code: 'number_too_long',
      message: `number is ${length} characters; Exact keeps it as the entry's YourRef, which holds at most ${yourRefMaxLength}`,
    })
  }
  // Exact's account IDs are GUIDs; anything else would be refused (an error answer that counts
  // toward Exact's block) or, worse, thrown while building the filter and retried for ever (review H2).
  const pinned = invoice.party.exactAccountId
  if (pinned !== undefined && !GUID.test(pinned)) {
    problems.push({
      field: '/party/exactAccountId',
      code: 'account_id_invalid',
      message: `${pinned} is not an Exact account ID (a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6)`,
    })
  }
  const reference = invoice.paymentReference
  if (reference !== undefined && looksStructured(reference) && !isValidStructuredReference(reference)) {
    problems.push({
      field: '/paymentReference',
      code: 'payment_reference_invalid',
      message: `${reference} is not a structured communication: +++ddd/dddd/ddddd+++ whose last two digits are the first ten modulo 97`,
    })
  }
  return problems
}

function checkDates(invoice: Invoice): InvoiceProblem[] {
  const problems: InvoiceProblem[] = []
  if (!isCalendarDate(invoice.issueDate)) {
    problems.push({
      field: '/issueDate',
      code: 'invalid_date',
      message: `issueDate ${invoice.issueDate} is not a calendar date`,
    })
  }
  if (invoice.dueDate !== undefined) {
    if (!isCalendarDate(invoice.dueDate)) {
      problems.push({
        field: '/dueDate',
        code: 'invalid_date',
        message: `dueDate ${invoice.dueDate} is not a calendar date`,
      })
    } else if (isCalendarDate(invoice.issueDate) && invoice.dueDate < invoice.issueDate) {
      problems.push({
        field: '/dueDate',
        code: 'due_before_issue',
        message: `dueDate ${invoice.dueDate} is before issueDate ${invoice.issueDate}`,
      })
    }
  }
  return problems
}

function checkShapeOfAmounts(invoice: Invoice): InvoiceProblem[] {
  if (invoice.lines.length === 0) {
    return [{ field: '/lines', code: 'no_lines', message: 'an invoice needs at least one line' }]
  }
  const problems: InvoiceProblem[] = []
  const money = (field: string, value: string | undefined) => {
    if (value !== undefined && !MONEY.test(value)) {
      problems.push({ field, code: 'invalid_amount', message: `${value} is not an amount with at most 2 decimals` })
    }
  }
  invoice.lines.forEach((line, i) => {
    money(`/lines/${i}/netAmount`, line.netAmount)
    money(`/lines/${i}/vatAmount`, line.vatAmount)
    if (!RATE.test(line.vatRate)) {
      problems.push({
        field: `/lines/${i}/vatRate`,
        code: 'invalid_vat_rate',
        message: `${line.vatRate} is not a VAT percentage`,
      })
    }
  })
  if (invoice.totals) {
    money('/totals/net', invoice.totals.net)
    money('/totals/vat', invoice.totals.vat)
    money('/totals/gross', invoice.totals.gross)
  }
  return problems
}

function checkLineVat(invoice: Invoice, amounts: InvoiceAmounts): InvoiceProblem[] {
  const problems: InvoiceProblem[] = []
  invoice.lines.forEach((line, i) => {
    if (line.vatAmount === undefined) return
    const expected = amounts.lines[i].exactVat
    if (new Big(line.vatAmount).minus(expected).abs().gt(ONE_CENT)) {
      problems.push({
        field: `/lines/${i}/vatAmount`,
        code: 'vat_amount_implausible',
        message: `vatAmount ${line.vatAmount} is more than 0.01 from ${line.vatRate} % of ${amounts.lines[i].vatBase.toFixed(2)} (${expected.toFixed(4)})`,
      })
    }
  })
  return problems
}

function checkTotals(invoice: Invoice, amounts: InvoiceAmounts): InvoiceProblem[] {
  const totals = invoice.totals
  if (!totals) return []
  const expected = { net: amounts.net, vat: amounts.vat, gross: amounts.gross }
  const why = {
    net: 'the sum of the line net amounts',
    vat: 'VAT per rate group, rounded half away from zero',
    gross: amounts.surcharge.eq(0)
      ? 'net + VAT'
      : `net + credit-limitation surcharge ${amounts.surcharge.toFixed(2)} + VAT`,
  }
  return (['net', 'vat', 'gross'] as const)
    .filter((key) => !new Big(totals[key]).eq(expected[key]))
    .map((key) => ({
      field: `/totals/${key}`,
      code: 'totals_mismatch' as const,
      message: `totals.${key} is ${totals[key]} but the lines give ${expected[key].toFixed(2)} (${why[key]})`,
    }))
}
