import { parseInputDay } from './dates'
import { parseAmount, round2, ZERO, type Big } from './decimal'
import { badRequest, label, message, MALFORMED_BODY, type Lang } from './errors'
import type { IdFactory } from './ids'
import type { Division, EntryLine } from './model'
import { sameCode } from './resources/padding'

/** Receivable, payable and VAT accounts cannot carry entry lines ("Ongeldig: Grootboekrekeningtype"). */
const FORBIDDEN_LINE_GL_TYPES = new Set([20, 22, 24])

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return String(value)
}

export function amountOrThrow(value: unknown, field: string): Big | null {
  if (value === null || value === undefined) return null
  const amount = parseAmount(value)
  if (!amount)
    throw badRequest(`Error processing request stream. The property '${field}' cannot be converted to a number.`)
  return amount
}

export function dayOrThrow(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null
  const day = parseInputDay(value)
  if (day === null)
    throw badRequest(`Error processing request stream. The property '${field}' has an invalid date value.`)
  return day
}

/** Validates one line and derives its VAT; messages go to `errors`, malformed values throw 400. */
export function buildLine(
  division: Division,
  ids: IdFactory,
  raw: unknown,
  lineNumber: number,
  lang: Lang,
  errors: string[],
): EntryLine | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest(MALFORMED_BODY)
  const body = raw as Record<string, unknown>
  const amount = amountOrThrow(body.AmountFC, 'AmountFC')
  const sentVat = amountOrThrow(body.VATAmountFC, 'VATAmountFC')
  const sentBase = amountOrThrow(body.VATBaseAmountFC, 'VATBaseAmountFC')
  if (amount === null) errors.push(message(lang, 'mandatory', label(lang, 'amount')))
  let gl = undefined
  if (body.GLAccount === null || body.GLAccount === undefined || body.GLAccount === '') {
    errors.push(message(lang, 'mandatory', label(lang, 'glAccount')))
  } else {
    gl = division.glAccounts.find((g) => g.ID === String(body.GLAccount).toLowerCase())
    if (!gl) errors.push(message(lang, 'invalidReference', label(lang, 'glAccount')))
    else if (FORBIDDEN_LINE_GL_TYPES.has(gl.Type)) errors.push(message(lang, 'invalid', label(lang, 'glAccountType')))
  }
  const vatCodeText = text(body.VATCode)?.trim() || (gl ? gl.VATCode : null)
  const vat = vatCodeText ? division.vatCodes.find((v) => sameCode(v.Code, vatCodeText)) : undefined
  if (vatCodeText && !vat) errors.push(message(lang, 'invalidReference', label(lang, 'vatCode')))
  if (!gl || amount === null) return null
  const percentage = vat?.Percentage ?? ZERO
  return {
    ID: ids.next(),
    LineNumber: lineNumber,
    GLAccount: gl.ID,
    AmountFC: amount,
    VATCode: vat?.Code ?? null,
    VATPercentage: percentage,
    VATAmountFC: sentVat ?? round2(amount.times(percentage)),
    VATBaseAmountFC: sentBase,
    Description: text(body.Description),
    Quantity: body.Quantity === undefined || body.Quantity === null ? null : Number(body.Quantity),
    CostCenter: text(body.CostCenter),
    CostUnit: text(body.CostUnit),
    Project: text(body.Project),
    Notes: text(body.Notes),
  }
}
