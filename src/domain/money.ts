import { Type, type Static } from '@sinclair/typebox'
import Big from 'big.js'

/**
 * The largest amount anywhere (a line, a total, an entry): 13 integer digits and 2 decimals. That is
 * what the numeric(15,2) columns hold, and 15 significant digits are what a JSON number (a double,
 * as Exact's API takes amounts) carries exactly.
 */
export const MONEY_INTEGER_DIGITS = 13
export const MONEY_LIMIT = new Big(10).pow(MONEY_INTEGER_DIGITS)

/** Money at the edge: a decimal string with at most two decimals, never a JSON number. */
export const MoneySchema = Type.String({
  pattern: `^-?(0|[1-9][0-9]{0,${MONEY_INTEGER_DIGITS - 1}})(\\.[0-9]{1,2})?$`,
  description: 'Decimal string, at most 2 decimals, e.g. "1234.50"',
  examples: ['1210.00'],
})
export type Money = Static<typeof MoneySchema>

Big.RM = Big.roundHalfUp

/** Parses a decimal string; throws on anything else so a float can never sneak in. */
export function money(value: string): Big {
  return new Big(value)
}

/** Two decimals, half away from zero (the rounding Belgian and Dutch invoices use). */
export function toMoney(value: Big): Money {
  return value.round(2, Big.roundHalfUp).toFixed(2)
}
