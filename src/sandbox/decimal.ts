import Big from 'big.js'

/** Amounts are decimals inside the sandbox so totals are exact; JSON numbers only on the wire. */
export type Decimal = Big

export const ZERO = new Big(0)

/** Accepts a JSON number or a numeric string (ossobv sends strings); null when neither. */
export function parseAmount(value: unknown): Big | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Big(String(value))
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return new Big(value.trim())
  return null
}

export function round2(value: Big): Big {
  return value.round(2, Big.roundHalfUp)
}

export function sum(values: Big[]): Big {
  return values.reduce((acc, v) => acc.plus(v), ZERO)
}

/** Control API form: a decimal string with at least two decimals. */
export function toDecimalString(value: Big): string {
  const s = value.toString()
  const decimals = s.includes('.') ? s.split('.')[1].length : 0
  return value.toFixed(Math.max(2, decimals))
}

export { Big }
