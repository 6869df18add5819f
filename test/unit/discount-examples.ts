import type { DiscountKind } from '../../src/domain/payment-discount'

/**
 * Worked examples of Belgian discount for cash (B) and credit limitation (K). Each row: the invoice
 * lines (net @ rate), the condition, and what the maths and each entry layout must give. The same
 * table is in /work/team/discount-examples.md (README).
 */
export interface DiscountExample {
  name: string
  lines: Array<[net: string, rate: string]>
  kind: DiscountKind
  percent: string
  discount: string
  surcharge: string
  vatBase: string
  vat: string
  gross: string
  payableInTime: string
  /** Entry lines as `amount/vat`, adjustment line last; payment_condition mode. */
  paymentConditionLines: string[]
  separateLines: string[]
}

export const DISCOUNT_EXAMPLES: DiscountExample[] = [
  {
    name: 'no condition, one line',
    lines: [['1000.00', '21']],
    kind: 'none',
    percent: '0',
    discount: '0.00',
    surcharge: '0.00',
    vatBase: '1000.00',
    vat: '210.00',
    gross: '1210.00',
    payableInTime: '1210.00',
    paymentConditionLines: ['1000.00/210.00'],
    separateLines: ['1000.00/210.00'],
  },
  {
    name: 'discount for cash 2 %, 21 %',
    lines: [['1000.00', '21']],
    kind: 'discount_for_cash',
    percent: '2',
    discount: '20.00',
    surcharge: '0.00',
    vatBase: '980.00',
    vat: '205.80',
    gross: '1205.80',
    payableInTime: '1185.80',
    paymentConditionLines: ['1000.00/205.80'],
    separateLines: ['980.00/205.80', 'discount 20.00/0.00'],
  },
  {
    name: 'discount for cash 2 %, two lines share the discount and VAT by largest remainder',
    lines: [
      ['333.33', '21'],
      ['666.67', '21'],
    ],
    kind: 'discount_for_cash',
    percent: '2',
    discount: '20.00',
    surcharge: '0.00',
    vatBase: '980.00',
    vat: '205.80',
    gross: '1205.80',
    payableInTime: '1185.80',
    paymentConditionLines: ['333.33/68.60', '666.67/137.20'],
    separateLines: ['326.66/68.60', '653.34/137.20', 'discount 20.00/0.00'],
  },
  {
    name: 'discount for cash 2 %, mixed rates 21 % and 6 %',
    lines: [
      ['500.00', '21'],
      ['500.00', '6'],
    ],
    kind: 'discount_for_cash',
    percent: '2',
    discount: '20.00',
    surcharge: '0.00',
    vatBase: '980.00',
    vat: '132.30',
    gross: '1132.30',
    payableInTime: '1112.30',
    paymentConditionLines: ['500.00/102.90', '500.00/29.40'],
    separateLines: ['490.00/102.90', '490.00/29.40', 'discount 20.00/0.00'],
  },
  {
    name: 'discount for cash 3 % rounds the discount first, then the VAT',
    lines: [['99.99', '21']],
    kind: 'discount_for_cash',
    percent: '3',
    discount: '3.00',
    surcharge: '0.00',
    vatBase: '96.99',
    vat: '20.37',
    gross: '120.36',
    payableInTime: '117.36',
    paymentConditionLines: ['99.99/20.37'],
    separateLines: ['96.99/20.37', 'discount 3.00/0.00'],
  },
  {
    name: 'credit note with discount for cash 2 % mirrors the invoice',
    lines: [['-1000.00', '21']],
    kind: 'discount_for_cash',
    percent: '2',
    discount: '-20.00',
    surcharge: '0.00',
    vatBase: '-980.00',
    vat: '-205.80',
    gross: '-1205.80',
    payableInTime: '-1185.80',
    paymentConditionLines: ['-1000.00/-205.80'],
    separateLines: ['-980.00/-205.80', 'discount -20.00/0.00'],
  },
  {
    name: 'credit limitation 2 %, 21 %: surcharge added, VAT on the amount without it',
    lines: [['1000.00', '21']],
    kind: 'credit_limitation',
    percent: '2',
    discount: '0.00',
    surcharge: '20.00',
    vatBase: '1000.00',
    vat: '210.00',
    gross: '1230.00',
    payableInTime: '1210.00',
    paymentConditionLines: ['1000.00/210.00', 'surcharge 20.00/0.00'],
    separateLines: ['1000.00/210.00', 'surcharge 20.00/0.00'],
  },
  {
    name: 'credit limitation 1.5 %, 6 %',
    lines: [['123.45', '6']],
    kind: 'credit_limitation',
    percent: '1.5',
    discount: '0.00',
    surcharge: '1.85',
    vatBase: '123.45',
    vat: '7.41',
    gross: '132.71',
    payableInTime: '130.86',
    paymentConditionLines: ['123.45/7.41', 'surcharge 1.85/0.00'],
    separateLines: ['123.45/7.41', 'surcharge 1.85/0.00'],
  },
  {
    name: 'credit limitation 2 % on two rates: one surcharge on the whole net',
    lines: [
      ['100.00', '21'],
      ['50.00', '6'],
    ],
    kind: 'credit_limitation',
    percent: '2',
    discount: '0.00',
    surcharge: '3.00',
    vatBase: '150.00',
    vat: '24.00',
    gross: '177.00',
    payableInTime: '174.00',
    paymentConditionLines: ['100.00/21.00', '50.00/3.00', 'surcharge 3.00/0.00'],
    separateLines: ['100.00/21.00', '50.00/3.00', 'surcharge 3.00/0.00'],
  },
]
