import Big from 'big.js'
import { allocateCents, roundCents, sum } from './allocation'
import {
  creditSurcharge,
  fractionOf,
  groupDiscount,
  NO_CONDITION,
  type ResolvedPaymentCondition,
} from './payment-discount'

/**
 * THE VAT ROUNDING RULE (README text):
 *
 * VAT is computed per VAT group: the lines with the same VAT rate (and the same `vatCode` override,
 * if any). A group's VAT is its net sum (after its share of the payment discount, when a Belgian
 * discount for cash applies) times the rate, rounded once, half away from zero, to cents. That
 * amount is then spread over the group's lines by largest remainder: each line gets its own
 * unrounded VAT rounded down to the cent, and the cents still missing go to the lines with the
 * largest remainders (ties: the earlier line), so the line VAT amounts add up exactly to the group
 * VAT and no line is more than a cent from its own amount × rate. A line that carries `vatAmount`
 * is taken as is and forms a group of its own (the app rounded per line; we do not second-guess it
 * beyond a one-cent plausibility check). Example: 100 lines of 0.02 at 21 % have 0.42 VAT (42 lines
 * carry 0.01), where rounding per line would give 0.00. We send each line's VAT explicitly
 * (VATAmountFC), so Exact books our amounts instead of rounding per line itself.
 */
export interface AmountLineInput {
  netAmount: string
  vatRate: string
  vatCode?: string
  vatAmount?: string
}

export interface LineAmounts {
  net: Big
  /** This line's share of the discount for cash (0 unless discount_for_cash). */
  discount: Big
  /** net − discount: what VAT is charged on. */
  vatBase: Big
  vat: Big
  /** Unrounded VAT of this line alone (vatBase × rate), for plausibility checks. */
  exactVat: Big
}

export interface VatGroup {
  vatRate: string
  vatCode?: string
  lineIndexes: number[]
  net: Big
  discount: Big
  vatBase: Big
  vat: Big
  /** The single line of this group carries its own vatAmount. */
  explicit: boolean
}

export interface InvoiceAmounts {
  lines: LineAmounts[]
  groups: VatGroup[]
  net: Big
  /** Discount for cash the customer may deduct when paying in time. */
  discount: Big
  /** Credit-limitation surcharge added to the invoice (deductible when paying in time). */
  surcharge: Big
  vatBase: Big
  vat: Big
  /** The invoice total: what is owed when paying late; the entry's total. */
  gross: Big
  /** What settles the invoice when paid within the discount days. */
  payableInTime: Big
}

/** "21.0" and "21" are one rate; the normal form is Big's plain notation ("21", "5.5"). */
export function normaliseDecimal(value: string): string {
  return new Big(value).toFixed()
}

export function computeInvoiceAmounts(
  inputs: readonly AmountLineInput[],
  condition: ResolvedPaymentCondition = NO_CONDITION,
): InvoiceAmounts {
  const nets = inputs.map((line) => new Big(line.netAmount))
  const fraction = condition.kind === 'discount_for_cash' ? fractionOf(condition) : new Big(0)
  const lines: LineAmounts[] = nets.map((net) => ({ net, discount: net, vatBase: net, vat: net, exactVat: net }))
  const groups = groupLines(inputs).map((group): VatGroup => {
    const groupNets = group.lineIndexes.map((i) => nets[i])
    const net = sum(groupNets)
    const discount = groupDiscount(net, condition)
    const discounts = allocateCents(
      groupNets.map((n) => n.times(fraction)),
      discount,
    )
    const bases = groupNets.map((n, k) => n.minus(discounts[k]))
    const vatBase = net.minus(discount)
    const rate = new Big(group.vatRate).div(100)
    const exactVats = bases.map((b) => b.times(rate))
    const given = group.explicit ? inputs[group.lineIndexes[0]].vatAmount : undefined
    const vat = given !== undefined ? new Big(given) : roundCents(vatBase.times(rate))
    const vats = given !== undefined ? [vat] : allocateCents(exactVats, vat)
    group.lineIndexes.forEach((lineIndex, k) => {
      lines[lineIndex] = {
        net: nets[lineIndex],
        discount: discounts[k],
        vatBase: bases[k],
        vat: vats[k],
        exactVat: exactVats[k],
      }
    })
    return { ...group, net, discount, vatBase, vat }
  })
  const net = sum(nets)
  const discount = sum(groups.map((g) => g.discount))
  const surcharge = creditSurcharge(net, condition)
  const vatBase = sum(groups.map((g) => g.vatBase))
  const vat = sum(groups.map((g) => g.vat))
  const gross = net.plus(surcharge).plus(vat)
  return {
    lines,
    groups,
    net,
    discount,
    surcharge,
    vatBase,
    vat,
    gross,
    payableInTime: gross.minus(discount).minus(surcharge),
  }
}

interface LineGroup {
  vatRate: string
  vatCode?: string
  lineIndexes: number[]
  explicit: boolean
}

/** Groups in order of first appearance, so results are stable for a given invoice. */
function groupLines(inputs: readonly AmountLineInput[]): LineGroup[] {
  const byKey = new Map<string, LineGroup>()
  const groups: LineGroup[] = []
  inputs.forEach((line, index) => {
    const vatRate = normaliseDecimal(line.vatRate)
    const explicit = line.vatAmount !== undefined
    const key = explicit ? `line:${index}` : `rate:${vatRate}|code:${line.vatCode ?? ''}`
    let group = byKey.get(key)
    if (!group) {
      group = { vatRate, vatCode: line.vatCode, lineIndexes: [], explicit }
      byKey.set(key, group)
      groups.push(group)
    }
    group.lineIndexes.push(index)
  })
  return groups
}
