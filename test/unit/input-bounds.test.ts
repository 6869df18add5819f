import { Value } from '@sinclair/typebox/value'
import Big from 'big.js'
import { checkInvoice } from '../../src/domain/invoice-rules'
import { InvoiceSchema } from '../../src/domain/invoice'
import { MoneySchema } from '../../src/domain/money'
import { findUnstorableText } from '../../src/http/storable-text'
import { designInvoice } from '../helpers/factories'

describe('money bounds: schema, numeric(15,2) and an exact JSON number agree', () => {
  it.each([
    ['9999999999999.99', true],
    ['-9999999999999.99', true],
    ['10000000000000', false],
    ['10000000000000.00', false],
    ['0.001', false],
  ])('%s fits: %s', (amount, fits) => {
    expect(Value.Check(MoneySchema, amount)).toBe(fits)
    // What fits is sent to Exact as a JSON number without changing by a cent.
    if (fits) expect(new Big(Number(amount)).eq(new Big(amount))).toBe(true)
  })

  it('lines that fit but add up past the bound are refused, naming /lines', () => {
    const invoice = designInvoice({
      lines: [
        { netAmount: '9999999999999.99', vatRate: '0' },
        { netAmount: '0.01', vatRate: '0' },
      ],
      totals: undefined,
    })
    expect(checkInvoice(invoice).map((p) => [p.field, p.code])).toEqual([['/lines', 'amount_out_of_range']])
    const vatPushesItOver = designInvoice({
      lines: [{ netAmount: '9000000000000.00', vatRate: '21' }],
      totals: undefined,
    })
    expect(checkInvoice(vatPushesItOver).map((p) => p.code)).toEqual(['amount_out_of_range'])
  })

  it('a quantity has at most 15 significant digits', () => {
    const line = (quantity: string) => designInvoice({ lines: [{ netAmount: '1.00', vatRate: '21', quantity }] })
    expect(Value.Check(InvoiceSchema, line('999999999.999999'))).toBe(true)
    expect(Value.Check(InvoiceSchema, line('1000000000'))).toBe(false)
  })
})

describe('findUnstorableText', () => {
  it.each([
    [{ a: 'fine', b: ['ok', { c: 'x\u0000y' }] }, 'body/b/1/c'],
    [{ name: 'Acme \ud800 BV' }, 'body/name'],
    [{ name: 'a trailing low \udc00' }, 'body/name'],
    [{ name: 'an emoji 😀 is a proper pair' }, undefined],
    [{ 'we\u0000ird': 1 }, 'body/we\u0000ird'],
    [{ 'a/b': { '~': '\u0000' } }, 'body/a~1b/~0'],
    [undefined, undefined],
  ])('%j -> %s', (value, field) => {
    expect(findUnstorableText(value, 'body')).toBe(field)
  })

  it('walks a deeply nested body without overflowing the stack', () => {
    let deep: unknown = 'end\u0000'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(findUnstorableText(deep, 'body')).toMatch(/^body(\/0){100000}$/)
  })
})
