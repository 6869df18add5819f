import { factsFromTerms, paymentChanged, paymentFigures, unpaidFigures, type OpenItemFacts, type PaymentFigures, type TermFacts } from '../../src/domain/payment-status'

const facts = (amount: string, outstanding: string, discount = '0.00', matched = false): OpenItemFacts => ({ amount, outstanding, discount, matched })

describe('paymentFigures', () => {
  const table: Array<[string, OpenItemFacts, PaymentFigures]> = [
    ['nothing paid', facts('1210.00', '1210.00'),
      { status: 'unpaid', amount: '1210.00', paid: '0.00', discount: '0.00', outstanding: '1210.00' }],
    ['part paid: 1210 - 500 leaves 710', facts('1210.00', '710.00'),
      { status: 'partially_paid', amount: '1210.00', paid: '500.00', discount: '0.00', outstanding: '710.00' }],
    ['paid in full', facts('1210.00', '0.00', '0.00', true),
      { status: 'paid', amount: '1210.00', paid: '1210.00', discount: '0.00', outstanding: '0.00' }],
    ['nothing open, not flagged matched yet', facts('1210.00', '0'),
      { status: 'paid', amount: '1210.00', paid: '1210.00', discount: '0.00', outstanding: '0.00' }],
    ['2% discount taken: 1210 paid as 1185.80 + 24.20', facts('1210.00', '0.00', '24.20', true),
      { status: 'paid', amount: '1210.00', paid: '1185.80', discount: '24.20', outstanding: '0.00' }],
    ['matched with a remainder (payment difference) counts as settled', facts('100.00', '0.01', '0.00', true),
      { status: 'paid', amount: '100.00', paid: '100.00', discount: '0.00', outstanding: '0.00' }],
    ['credit note unpaid', facts('-242.00', '-242.00'),
      { status: 'unpaid', amount: '-242.00', paid: '0.00', discount: '0.00', outstanding: '-242.00' }],
    ['credit note half refunded', facts('-242.00', '-121.00'),
      { status: 'partially_paid', amount: '-242.00', paid: '-121.00', discount: '0.00', outstanding: '-121.00' }],
    ['credit note refunded', facts('-242.00', '0.00', '0.00', true),
      { status: 'paid', amount: '-242.00', paid: '-242.00', discount: '0.00', outstanding: '0.00' }],
    ['over-payment (item flipped sign) is paid', facts('100.00', '-5.00'),
      { status: 'paid', amount: '100.00', paid: '100.00', discount: '0.00', outstanding: '0.00' }],
    ['zero invoice is settled', facts('0.00', '0.00'),
      { status: 'paid', amount: '0.00', paid: '0.00', discount: '0.00', outstanding: '0.00' }],
    ['decimals stay exact: 0.1 + 0.2', facts('0.30', '0.10'),
      { status: 'partially_paid', amount: '0.30', paid: '0.20', discount: '0.00', outstanding: '0.10' }],
    ['more open than the amount (Exact rounding) is unpaid', facts('10.00', '10.01'),
      { status: 'unpaid', amount: '10.00', paid: '0.00', discount: '0.00', outstanding: '10.00' }],
  ]
  it.each(table)('%s', (_name, input, expected) => {
    expect(paymentFigures(input)).toEqual(expected)
  })

  it('a freshly booked invoice is unpaid for its whole amount', () => {
    expect(unpaidFigures('-50.5')).toEqual({ status: 'unpaid', amount: '-50.50', paid: '0.00', discount: '0.00', outstanding: '-50.50' })
  })
})

describe('paymentChanged', () => {
  const base = { ...unpaidFigures('100.00'), lastPaymentDate: null }
  it('the same figures written differently are no change', () => {
    expect(paymentChanged(base, { ...base, amount: '100', outstanding: '100.0' })).toBe(false)
  })
  it('a payment is a change', () => {
    expect(paymentChanged(base, { ...paymentFigures(facts('100.00', '40.00')), lastPaymentDate: '2026-11-20' })).toBe(true)
  })
  it('a new payment date alone is a change', () => {
    expect(paymentChanged({ ...base, lastPaymentDate: '2026-11-01' }, { ...base, lastPaymentDate: '2026-11-02' })).toBe(true)
  })
})

describe('factsFromTerms', () => {
  const term = (amount: string, matched: boolean, extra: Partial<TermFacts> = {}): TermFacts =>
    ({ amount, total: '1210.00', discount: '0.00', matched, lastPaymentDate: null, ...extra })
  it.each<[string, TermFacts[], string, boolean, string]>([
    ['one open term, untouched', [term('1210.00', false)], '1210.00', false, 'unpaid'],
    ['one term paid down (the sandbox keeps one term)', [term('710.00', false, { lastPaymentDate: '2026-11-20' })], '710.00', false, 'partially_paid'],
    ['split: 500 matched, 710 open (Exact splits a part-paid term)', [term('500.00', true, { lastPaymentDate: '2026-11-20' }), term('710.00', false)], '710.00', false, 'partially_paid'],
    ['split, both matched', [term('500.00', true, { lastPaymentDate: '2026-11-20' }), term('710.00', true, { lastPaymentDate: '2026-11-22' })], '0.00', true, 'paid'],
    ['instalments, none paid', [term('605.00', false), term('605.00', false)], '1210.00', false, 'unpaid'],
  ])('%s', (_name, terms, outstanding, matched, status) => {
    const facts = factsFromTerms(terms)
    expect(facts).toMatchObject({ amount: '1210.00', outstanding, matched })
    expect(paymentFigures(facts).status).toBe(status)
  })
  it('takes the latest payment date and adds up the discounts', () => {
    const facts = factsFromTerms([term('0.00', true, { discount: '12.10', lastPaymentDate: '2026-11-22' }), term('0.00', true, { discount: '12.10', lastPaymentDate: '2026-11-20' })])
    expect(facts).toMatchObject({ discount: '24.20', lastPaymentDate: '2026-11-22' })
  })
})
