import {
  factsFromTerms,
  needsOutstandingList,
  paymentChanged,
  paymentFigures,
  unpaidFigures,
  type OpenItemFacts,
  type PaymentFigures,
  type TermFacts,
} from '../../src/domain/payment-status'

const facts = (amount: string, outstanding: string, discount = '0.00', matched = false): OpenItemFacts => ({
  amount,
  outstanding,
  discount,
  matched,
})

describe('paymentFigures', () => {
  const table: Array<[string, OpenItemFacts, PaymentFigures]> = [
    [
      'nothing paid',
      facts('1210.00', '1210.00'),
      { status: 'unpaid', amount: '1210.00', paid: '0.00', discount: '0.00', outstanding: '1210.00' },
    ],
    [
      'part paid: 1210 - 500 leaves 710',
      facts('1210.00', '710.00'),
      { status: 'partially_paid', amount: '1210.00', paid: '500.00', discount: '0.00', outstanding: '710.00' },
    ],
    [
      'paid in full',
      facts('1210.00', '0.00', '0.00', true),
      { status: 'paid', amount: '1210.00', paid: '1210.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'nothing open, not flagged matched yet',
      facts('1210.00', '0'),
      { status: 'paid', amount: '1210.00', paid: '1210.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      '2% discount taken: 1210 paid as 1185.80 + 24.20',
      facts('1210.00', '0.00', '24.20', true),
      { status: 'paid', amount: '1210.00', paid: '1185.80', discount: '24.20', outstanding: '0.00' },
    ],
    [
      'a discount on an open item is never subtracted from paid',
      facts('1205.80', '705.80', '20.00'),
      { status: 'partially_paid', amount: '1205.80', paid: '500.00', discount: '0.00', outstanding: '705.80' },
    ],
    [
      'matched with a remainder (payment difference) counts as settled',
      facts('100.00', '0.01', '0.00', true),
      { status: 'paid', amount: '100.00', paid: '100.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'credit note unpaid',
      facts('-242.00', '-242.00'),
      { status: 'unpaid', amount: '-242.00', paid: '0.00', discount: '0.00', outstanding: '-242.00' },
    ],
    [
      'credit note half refunded',
      facts('-242.00', '-121.00'),
      { status: 'partially_paid', amount: '-242.00', paid: '-121.00', discount: '0.00', outstanding: '-121.00' },
    ],
    [
      'credit note refunded',
      facts('-242.00', '0.00', '0.00', true),
      { status: 'paid', amount: '-242.00', paid: '-242.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'over-payment (item flipped sign) is paid',
      facts('100.00', '-5.00'),
      { status: 'paid', amount: '100.00', paid: '100.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'a zero amount Exact does not call matched is not paid',
      facts('0.00', '0.00'),
      { status: 'unpaid', amount: '0.00', paid: '0.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'a zero amount Exact calls matched is paid',
      facts('0.00', '0.00', '0.00', true),
      { status: 'paid', amount: '0.00', paid: '0.00', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'a discount larger than the amount is capped at it',
      facts('10.00', '0.00', '12.00', true),
      { status: 'paid', amount: '10.00', paid: '0.00', discount: '10.00', outstanding: '0.00' },
    ],
    [
      'decimals stay exact: 0.1 + 0.2',
      facts('0.30', '0.10'),
      { status: 'partially_paid', amount: '0.30', paid: '0.20', discount: '0.00', outstanding: '0.10' },
    ],
    [
      'more open than the amount (Exact rounding) is unpaid',
      facts('10.00', '10.01'),
      { status: 'unpaid', amount: '10.00', paid: '0.00', discount: '0.00', outstanding: '10.00' },
    ],
  ]
  it.each(table)('%s', (_name, input, expected) => {
    expect(paymentFigures(input)).toEqual(expected)
  })

  it('a freshly booked invoice is unpaid for its whole amount', () => {
    expect(unpaidFigures('-50.5')).toEqual({
      status: 'unpaid',
      amount: '-50.50',
      paid: '0.00',
      discount: '0.00',
      outstanding: '-50.50',
    })
  })
})

describe('paymentChanged', () => {
  const base = { ...unpaidFigures('100.00'), lastPaymentDate: null }
  it('the same figures written differently are no change', () => {
    expect(paymentChanged(base, { ...base, amount: '100', outstanding: '100.0' })).toBe(false)
  })
  it('a payment is a change', () => {
    expect(paymentChanged(base, { ...paymentFigures(facts('100.00', '40.00')), lastPaymentDate: '2026-11-20' })).toBe(
      true,
    )
  })
  it('a new payment date alone is a change', () => {
    expect(paymentChanged({ ...base, lastPaymentDate: '2026-11-01' }, { ...base, lastPaymentDate: '2026-11-02' })).toBe(
      true,
    )
  })
})

const term = (amount: string, matched: boolean, extra: Partial<TermFacts> = {}): TermFacts => ({
  amount,
  total: '1210.00',
  discount: '0.00',
  matched,
  lastPaymentDate: null,
  discountDueDate: null,
  ...extra,
})

describe('factsFromTerms', () => {
  const booked = { bookedTotal: '1210.00' }
  it.each<[string, TermFacts[], string, boolean, string]>([
    ['one open term, untouched', [term('1210.00', false)], '1210.00', false, 'unpaid'],
    [
      'one term paid down',
      [term('710.00', false, { lastPaymentDate: '2026-11-20' })],
      '710.00',
      false,
      'partially_paid',
    ],
    [
      'split: 500 matched, 710 open (Exact splits a part-paid term)',
      [term('500.00', true, { lastPaymentDate: '2026-11-20' }), term('710.00', false)],
      '710.00',
      false,
      'partially_paid',
    ],
    [
      'split, both matched',
      [
        term('500.00', true, { lastPaymentDate: '2026-11-20' }),
        term('710.00', true, { lastPaymentDate: '2026-11-22' }),
      ],
      '0.00',
      true,
      'paid',
    ],
    ['instalments, none paid', [term('605.00', false), term('605.00', false)], '1210.00', false, 'unpaid'],
  ])('%s', (_name, terms, outstanding, matched, status) => {
    const f = factsFromTerms(terms, booked)
    expect(f).toMatchObject({ amount: '1210.00', outstanding, matched })
    expect(paymentFigures(f).status).toBe(status)
  })

  it('takes the latest payment date', () => {
    const f = factsFromTerms(
      [
        term('500.00', true, { lastPaymentDate: '2026-11-22' }),
        term('710.00', true, { lastPaymentDate: '2026-11-20' }),
      ],
      booked,
    )
    expect(f.lastPaymentDate).toBe('2026-11-22')
  })

  it('the outstanding-items list, when read, says what is open', () => {
    expect(
      factsFromTerms([term('1210.00', false, { lastPaymentDate: '2026-11-20' })], {
        ...booked,
        listOutstanding: '710.00',
      }).outstanding,
    ).toBe('710.00')
  })

  it('a zero or missing total in Exact is replaced by the booked one, and never makes the invoice paid', () => {
    const f = factsFromTerms([term('0.00', false, { total: null })], booked)
    expect(f).toMatchObject({ amount: '1210.00', outstanding: '0.00', matched: false })
    expect(factsFromTerms([term('1210.00', false, { total: '0.00' })], booked).amount).toBe('1210.00')
    expect(paymentFigures(factsFromTerms([term('0.00', false, { total: '0.00' })], { bookedTotal: null })).status).toBe(
      'unpaid',
    )
  })

  it('purchase amounts Exact reports negative are turned to the booked sign', () => {
    const f = factsFromTerms(
      [term('-500.00', true, { total: '-1210.00' }), term('-710.00', false, { total: '-1210.00' })],
      booked,
    )
    expect(paymentFigures(f)).toEqual({
      status: 'partially_paid',
      amount: '1210.00',
      paid: '500.00',
      discount: '0.00',
      outstanding: '710.00',
    })
    const credit = factsFromTerms([term('242.00', false, { total: '242.00' })], { bookedTotal: '-242.00' })
    expect(paymentFigures(credit)).toMatchObject({ status: 'unpaid', amount: '-242.00', outstanding: '-242.00' })
  })
})

/**
 * The Belgian discount-for-cash invoice of the README (1000.00 @ 21 %, 2 % within 8 days: total
 * 1205.80, 1185.80 when paid in time), read from its terms whatever AmountDiscountFC means (the
 * discount on offer from booking, or the one granted at matching) and however Exact records a
 * matched part (for the part of the invoice it settled, or for the payment alone).
 */
describe('discount for cash: what was paid and what was deducted', () => {
  const DUE = '2026-11-28'
  const t = (amount: string, matched: boolean, discount: string, lastPaymentDate: string | null): TermFacts => ({
    amount,
    total: '1205.80',
    discount,
    matched,
    lastPaymentDate,
    discountDueDate: DUE,
  })
  const figures = (terms: TermFacts[]) => paymentFigures(factsFromTerms(terms, { bookedTotal: '1205.80' }))
  const late = '2026-12-10'
  const inTime = '2026-11-24'

  it.each<[string, TermFacts[], PaymentFigures]>([
    [
      'unpaid, discount on offer',
      [t('1205.80', false, '20.00', null)],
      { status: 'unpaid', amount: '1205.80', paid: '0.00', discount: '0.00', outstanding: '1205.80' },
    ],
    [
      'unpaid, nothing granted yet',
      [t('1205.80', false, '0.00', null)],
      { status: 'unpaid', amount: '1205.80', paid: '0.00', discount: '0.00', outstanding: '1205.80' },
    ],
    [
      '500.00 paid, split, discount on offer on both parts',
      [t('500.00', true, '20.00', inTime), t('705.80', false, '20.00', null)],
      { status: 'partially_paid', amount: '1205.80', paid: '500.00', discount: '0.00', outstanding: '705.80' },
    ],
    [
      '500.00 paid, split, nothing granted',
      [t('500.00', true, '0.00', inTime), t('705.80', false, '0.00', null)],
      { status: 'partially_paid', amount: '1205.80', paid: '500.00', discount: '0.00', outstanding: '705.80' },
    ],
    [
      'paid late in full, discount on offer',
      [t('1205.80', true, '20.00', late)],
      { status: 'paid', amount: '1205.80', paid: '1205.80', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'paid late in full, nothing granted',
      [t('1205.80', true, '0.00', late)],
      { status: 'paid', amount: '1205.80', paid: '1205.80', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'paid in time, term closed for amount + discount, discount on offer',
      [t('1205.80', true, '20.00', inTime)],
      { status: 'paid', amount: '1205.80', paid: '1185.80', discount: '20.00', outstanding: '0.00' },
    ],
    [
      'paid in time, term closed for amount + discount, discount granted',
      [t('1205.80', true, '20.00', inTime)],
      { status: 'paid', amount: '1205.80', paid: '1185.80', discount: '20.00', outstanding: '0.00' },
    ],
    [
      'paid in time, the matched part is the payment: closed 20.00 short',
      [t('1185.80', true, '20.00', late)],
      { status: 'paid', amount: '1205.80', paid: '1185.80', discount: '20.00', outstanding: '0.00' },
    ],
    [
      '500.00 then the rest in time less the discount, split parts',
      [t('500.00', true, '20.00', '2026-11-21'), t('705.80', true, '20.00', inTime)],
      { status: 'paid', amount: '1205.80', paid: '1185.80', discount: '20.00', outstanding: '0.00' },
    ],
    [
      '500.00 then the rest late, split parts',
      [t('500.00', true, '20.00', inTime), t('705.80', true, '20.00', late)],
      { status: 'paid', amount: '1205.80', paid: '1205.80', discount: '0.00', outstanding: '0.00' },
    ],
    [
      'matched parts reporting 0 left (outstanding) are no discount of the whole',
      [t('0.00', true, '20.00', late)],
      { status: 'paid', amount: '1205.80', paid: '1205.80', discount: '0.00', outstanding: '0.00' },
    ],
  ])('%s', (_name, terms, expected) => {
    expect(figures(terms)).toEqual(expected)
  })

  it('no discount due date known: no discount unless the item was closed short', () => {
    expect(figures([{ ...t('1205.80', true, '20.00', inTime), discountDueDate: null }]).discount).toBe('0.00')
    expect(figures([{ ...t('1185.80', true, '20.00', inTime), discountDueDate: null }]).discount).toBe('20.00')
  })

  it('a write-off without a discount on offer is no discount', () => {
    expect(figures([t('1205.79', true, '0.00', late)])).toMatchObject({
      status: 'paid',
      paid: '1205.80',
      discount: '0.00',
    })
  })
})

describe('needsOutstandingList', () => {
  it.each<[string, TermFacts[], boolean]>([
    ['nothing paid', [term('1210.00', false)], false],
    ['matched', [term('1210.00', true, { lastPaymentDate: '2026-11-20' })], false],
    ['split: the open part says what is left', [term('500.00', true), term('710.00', false)], false],
    [
      'one open term with a payment: its AmountFC may be the whole term',
      [term('1210.00', false, { lastPaymentDate: '2026-11-20' })],
      true,
    ],
  ])('%s', (_name, terms, expected) => {
    expect(needsOutstandingList(terms)).toBe(expected)
  })
})
