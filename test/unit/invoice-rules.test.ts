import { checkInvoice, isCalendarDate, isCreditNote } from '../../src/domain/invoice-rules'
import { computeInvoiceAmounts } from '../../src/domain/invoice-amounts'
import type { ResolvedPaymentCondition } from '../../src/domain/payment-discount'
import { designInvoice, lines } from '../helpers/factories'

const codes = (problems: ReturnType<typeof checkInvoice>) => problems.map((p) => `${p.field} ${p.code}`)
const discount = (kind: ResolvedPaymentCondition['kind'], percent: string): ResolvedPaymentCondition => ({
  id: 'c',
  exactCode: '32',
  kind,
  percent,
  glAccount: '8010',
})

describe('checkInvoice', () => {
  test('the DESIGN.md example has no problems', () => {
    expect(checkInvoice(designInvoice())).toEqual([])
  })

  test.each([
    ['2026-02-29', false],
    ['2028-02-29', true],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-12-31', true],
  ])('calendar date %s: %s', (date, ok) => {
    expect(isCalendarDate(date)).toBe(ok)
    expect(codes(checkInvoice(designInvoice({ issueDate: date, dueDate: undefined })))).toEqual(
      ok ? [] : ['/issueDate invalid_date'],
    )
  })

  test('dueDate before issueDate', () => {
    expect(codes(checkInvoice(designInvoice({ dueDate: '2026-11-19' })))).toEqual(['/dueDate due_before_issue'])
    expect(checkInvoice(designInvoice({ dueDate: '2026-11-20' }))).toEqual([])
  })

  test('no lines', () => {
    expect(codes(checkInvoice(designInvoice({ lines: [], totals: undefined })))).toEqual(['/lines no_lines'])
  })

  test('amounts with three decimals are named by pointer', () => {
    const invoice = designInvoice({
      lines: [
        { netAmount: '1.00', vatRate: '21' },
        { netAmount: '1.005', vatRate: '21' },
      ],
    })
    expect(codes(checkInvoice(invoice))).toEqual(['/lines/1/netAmount invalid_amount'])
  })

  test('100 lines of 0.02 at 21 %: totals must say VAT 0.42', () => {
    const base = { lines: lines(100, { netAmount: '0.02', vatRate: '21' }) }
    expect(checkInvoice(designInvoice({ ...base, totals: { net: '2.00', vat: '0.42', gross: '2.42' } }))).toEqual([])
    expect(
      codes(checkInvoice(designInvoice({ ...base, totals: { net: '2.00', vat: '0.00', gross: '2.00' } }))),
    ).toEqual(['/totals/vat totals_mismatch', '/totals/gross totals_mismatch'])
  })

  test('many x.005 VAT lines: group rounding, not per line', () => {
    const base = { lines: lines(10, { netAmount: '0.25', vatRate: '6' }) }
    expect(checkInvoice(designInvoice({ ...base, totals: { net: '2.50', vat: '0.15', gross: '2.65' } }))).toEqual([])
    expect(
      codes(checkInvoice(designInvoice({ ...base, totals: { net: '2.50', vat: '0.20', gross: '2.70' } }))),
    ).toContain('/totals/vat totals_mismatch')
  })

  test('mixed rates and a negative line', () => {
    const invoice = designInvoice({
      lines: [
        { netAmount: '100.00', vatRate: '21' },
        { netAmount: '-30.00', vatRate: '21' },
        { netAmount: '50.00', vatRate: '6' },
      ],
      totals: { net: '120.00', vat: '17.70', gross: '137.70' },
    })
    expect(checkInvoice(invoice)).toEqual([])
  })

  test('a credit note: negative totals, and the sign decides', () => {
    const invoice = designInvoice({
      lines: [{ netAmount: '-1000.00', vatRate: '21' }],
      totals: { net: '-1000.00', vat: '-210.00', gross: '-1210.00' },
    })
    expect(checkInvoice(invoice)).toEqual([])
    expect(isCreditNote(computeInvoiceAmounts(invoice.lines))).toBe(true)
    expect(isCreditNote(computeInvoiceAmounts(designInvoice().lines))).toBe(false)
  })

  test('a wrong net total is named', () => {
    const problems = checkInvoice(designInvoice({ totals: { net: '999.99', vat: '210.00', gross: '1210.00' } }))
    expect(codes(problems)).toEqual(['/totals/net totals_mismatch'])
    expect(problems[0].message).toContain('1000.00')
  })

  test('discount for cash: VAT on the discounted base', () => {
    const totals = { net: '1000.00', vat: '205.80', gross: '1205.80' }
    expect(checkInvoice(designInvoice({ totals }), { discount: discount('discount_for_cash', '2') })).toEqual([])
    expect(codes(checkInvoice(designInvoice({ totals })))).toEqual([
      '/totals/vat totals_mismatch',
      '/totals/gross totals_mismatch',
    ])
  })

  test('credit limitation: gross includes the surcharge, VAT does not', () => {
    const totals = { net: '1000.00', vat: '210.00', gross: '1230.00' }
    expect(checkInvoice(designInvoice({ totals }), { discount: discount('credit_limitation', '2') })).toEqual([])
    const problems = checkInvoice(designInvoice({ totals }))
    expect(codes(problems)).toEqual(['/totals/gross totals_mismatch'])
  })

  test('a line vatAmount within one cent is accepted, further off is not', () => {
    const near = designInvoice({ lines: [{ netAmount: '0.50', vatRate: '21', vatAmount: '0.10' }], totals: undefined })
    expect(checkInvoice(near)).toEqual([])
    const far = designInvoice({
      lines: [{ netAmount: '100.00', vatRate: '21', vatAmount: '12.10' }],
      totals: undefined,
    })
    expect(codes(checkInvoice(far))).toEqual(['/lines/0/vatAmount vat_amount_implausible'])
  })

  test('per-line vatAmount values add up into totals.vat', () => {
    const invoice = designInvoice({
      lines: lines(3, { netAmount: '0.50', vatRate: '21', vatAmount: '0.11' }),
      totals: { net: '1.50', vat: '0.33', gross: '1.83' },
    })
    expect(checkInvoice(invoice)).toEqual([])
  })
})

describe('references Exact keeps', () => {
  test('an invoice number longer than YourRef holds (30 characters) is refused, naming number', () => {
    expect(codes(checkInvoice(designInvoice({ number: 'N'.repeat(30) })))).toEqual([])
    const problems = checkInvoice(designInvoice({ number: 'N'.repeat(35) }))
    expect(codes(problems)).toEqual(['/number number_too_long'])
    expect(problems[0]!.message).toBe(
      "number is 35 characters; Exact keeps it as the entry's YourRef, which holds at most 30",
    )
    // Characters, not UTF-16 units: 30 emoji fit.
    expect(codes(checkInvoice(designInvoice({ number: '😀'.repeat(30) })))).toEqual([])
    // A tenant whose Exact was seen to keep fewer.
    expect(codes(checkInvoice(designInvoice({ number: 'N'.repeat(21) }), { yourRefMaxLength: 20 }))).toEqual([
      '/number number_too_long',
    ])
  })

  test('a structured communication must have the right check digits; a free reference is not checked', () => {
    expect(codes(checkInvoice(designInvoice({ paymentReference: '+++090/9337/55493+++' })))).toEqual([])
    expect(codes(checkInvoice(designInvoice({ paymentReference: '+++090/9337/55494+++' })))).toEqual([
      '/paymentReference payment_reference_invalid',
    ])
    expect(codes(checkInvoice(designInvoice({ paymentReference: 'Invoice 42' })))).toEqual([])
  })
})
