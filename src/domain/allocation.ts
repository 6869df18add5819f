import Big from 'big.js'

const ZERO = new Big(0)
const CENT = new Big('0.01')

/** Rounds to cents, half away from zero: 0.005 -> 0.01, -0.005 -> -0.01. */
export function roundCents(value: Big): Big {
  return value.round(2, Big.roundHalfUp)
}

function floorCents(value: Big): Big {
  return value.round(2, value.gte(0) ? Big.roundDown : Big.roundUp)
}

/**
 * Splits `total` (whole cents) over the parts so that the parts are whole cents, add up exactly to
 * `total` and each is within one cent of its unrounded share `exact[i]` (largest remainder /
 * Hamilton method). Each part starts at its share rounded down; the cents still missing go to the
 * parts with the largest remainders, ties to the earlier part.
 *
 * Why the unrounded shares and not a proportion of `total`: with lines of both signs in one group
 * (+1000.00 and -999.95 at 21%) proportional shares of the 0.01 group VAT would be 200.00 and
 * -199.99; the shares keep each line's VAT next to what its own amount implies.
 *
 * A negative total is allocated as the mirror of the positive one, so a credit note that negates
 * an invoice gets exactly the negated line amounts.
 */
export function allocateCents(exact: readonly Big[], total: Big): Big[] {
  if (total.lt(0)) {
    return allocateCents(
      exact.map((e) => e.times(-1)),
      total.times(-1),
    ).map((part) => part.times(-1).plus(0))
  }
  const parts = exact.map(floorCents)
  const sum = parts.reduce((a, b) => a.plus(b), ZERO)
  // Cents still to hand out, kept in decimal like every amount here.
  let missing = total.minus(sum).div(CENT)
  if (missing.lt(0) || missing.gt(parts.length) || !missing.eq(missing.round(0))) {
    throw new RangeError(`total ${total.toFixed(2)} is not the rounded sum of its shares`)
  }
  const order = exact
    .map((e, index) => ({ index, remainder: e.minus(parts[index]) }))
    .sort((a, b) => b.remainder.cmp(a.remainder) || a.index - b.index)
  for (const { index } of order) {
    if (missing.eq(0)) break
    parts[index] = parts[index].plus(CENT)
    missing = missing.minus(1)
  }
  return parts
}

export function sum(values: readonly Big[]): Big {
  return values.reduce((a, b) => a.plus(b), ZERO)
}
