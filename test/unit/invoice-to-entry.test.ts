import Big from 'big.js'
import { Value } from '@sinclair/typebox/value'
import { EntrySchema, type Entry } from '../../src/domain/entry'
import { invoiceToEntry, truncate } from '../../src/domain/invoice-to-entry'
import { proposeSettings, type Settings } from '../../src/domain/settings'
import { designInvoice, lines } from '../helpers/factories'
import { sandboxChart } from './sandbox-chart'

const MARKER = 'xb-3F7K9Q2M'
const sandboxSettings = (): Settings => proposeSettings(sandboxChart()).settings

function entryOf(...args: Parameters<typeof designInvoice>): Entry {
  const result = invoiceToEntry({ invoice: designInvoice(...args), settings: sandboxSettings(), marker: MARKER })
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result.entry
}

/** The schema minus `format: date` (TypeBox's Value has no date format registered; ajv has). */
function assertEntryShape(entry: Entry) {
  const errors = [...Value.Errors(EntrySchema, entry)].filter((e) => !('format' in e.schema))
  expect(errors.map((e) => `${e.path} ${e.message}`)).toEqual([])
  const sum = entry.lines.reduce((a, l) => a.plus(l.amount).plus(l.vatAmount), new Big(0))
  expect(sum.toFixed(2)).toBe(entry.total)
  expect(entry.lines.reduce((a, l) => a.plus(l.vatAmount), new Big(0)).toFixed(2)).toBe(entry.vatTotal)
}

describe('invoiceToEntry with settings proposed from the sandbox chart', () => {
  test('the DESIGN.md invoice', () => {
    const entry = entryOf()
    expect(entry).toEqual({
      type: 'sales',
      journal: '70',
      entryDate: '2026-11-20',
      dueDate: '2026-12-20',
      currency: 'EUR',
      description: 'xb-3F7K9Q2M Consulting November',
      yourRef: '2026-0042',
      marker: MARKER,
      lines: [
        {
          glAccount: '8000',
          description: 'Consulting',
          amount: '1000.00',
          vatCode: '2',
          vatAmount: '210.00',
          vatBaseAmount: '1000.00',
        },
      ],
      total: '1210.00',
      vatTotal: '210.00',
    })
    assertEntryShape(entry)
  })

  test('purchase invoice: purchase journal, cost account, purchase VAT code', () => {
    const entry = entryOf({ type: 'purchase', lines: [{ netAmount: '100.00', vatRate: '6', quantity: '2' }] })
    expect(entry.journal).toBe('60')
    expect(entry.lines).toEqual([
      {
        glAccount: '7000',
        description: 'Consulting November',
        amount: '100.00',
        vatCode: '7',
        vatAmount: '6.00',
        vatBaseAmount: '100.00',
        quantity: '2',
      },
    ])
    assertEntryShape(entry)
  })

  test('line overrides of GL account and VAT code win', () => {
    const entry = entryOf({ lines: [{ netAmount: '10.00', vatRate: '21', glAccount: '8010', vatCode: '0' }] })
    expect(entry.lines[0]).toMatchObject({ glAccount: '8010', vatCode: '0', vatAmount: '2.10' })
  })

  test('100 lines of 0.02: the entry carries VAT 0.42, spread over the lines', () => {
    const entry = entryOf({ lines: lines(100, { netAmount: '0.02', vatRate: '21' }), totals: undefined })
    expect(entry.vatTotal).toBe('0.42')
    expect(entry.total).toBe('2.42')
    assertEntryShape(entry)
  })

  test('credit note: negative amounts pass through signed', () => {
    const entry = entryOf({
      lines: [
        { netAmount: '-1000.00', vatRate: '21' },
        { netAmount: '-0.50', vatRate: '21' },
      ],
    })
    expect(entry.lines.map((l) => [l.amount, l.vatAmount])).toEqual([
      ['-1000.00', '-210.00'],
      ['-0.50', '-0.11'],
    ])
    expect(entry.total).toBe('-1210.61')
    assertEntryShape(entry)
  })

  test('description: marker first, truncated to 60 characters; yourRef is the number', () => {
    const entry = entryOf({ description: 'A'.repeat(100), number: 'INV-1' })
    expect(entry.description).toBe(`${MARKER} ${'A'.repeat(60 - MARKER.length - 1)}`)
    expect(Array.from(entry.description)).toHaveLength(60)
    expect(entry.yourRef).toBe('INV-1')
    expect(entryOf({ description: undefined, number: 'INV-2' }).description).toBe(`${MARKER} INV-2`)
  })

  test('no dueDate: the entry has none and Exact computes it from the condition', () => {
    expect('dueDate' in entryOf({ dueDate: undefined })).toBe(false)
  })

  test('discount for cash, payment_condition mode: lines at net, VAT on the discounted base, code carried', () => {
    const entry = entryOf({ paymentConditionId: '32' })
    expect(entry.paymentConditionCode).toBe('32')
    expect(entry.lines.map((l) => [l.glAccount, l.amount, l.vatCode, l.vatAmount, l.vatBaseAmount])).toEqual([
      ['8000', '1000.00', '2', '205.80', '980.00'],
    ])
    expect(entry.total).toBe('1205.80')
    assertEntryShape(entry)
  })

  test('discount for cash, separate_line mode: revenue at the VAT base plus a discount line outside the VAT base', () => {
    const settings = { ...sandboxSettings(), paymentDiscountBooking: 'separate_line' as const }
    const result = invoiceToEntry({ invoice: designInvoice({ paymentConditionId: '32' }), settings, marker: MARKER })
    if (!result.ok) throw new Error('expected ok')
    expect(
      result.entry.lines.map((l) => [
        l.glAccount,
        l.amount,
        l.vatCode,
        l.vatAmount,
        l.vatBaseAmount,
        l.description,
        l.adjustment,
      ]),
    ).toEqual([
      ['8000', '980.00', '2', '205.80', '980.00', 'Consulting', undefined],
      ['8010', '20.00', '9', '0.00', '20.00', 'Discount for cash 2 %', 'discount_for_cash'],
    ])
    expect(result.entry.total).toBe('1205.80')
    expect(result.entry.paymentConditionCode).toBe('32')
    assertEntryShape(result.entry)
  })

  test('discount for cash on a purchase invoice uses the purchase discount account', () => {
    const settings = { ...sandboxSettings(), paymentDiscountBooking: 'separate_line' as const }
    const invoice = designInvoice({ type: 'purchase', paymentConditionId: '32' })
    const result = invoiceToEntry({ invoice, settings, marker: MARKER })
    expect(result.ok && result.entry.lines.map((l) => [l.glAccount, l.amount, l.vatCode])).toEqual([
      ['7000', '980.00', '5'],
      ['7010', '20.00', '19'],
    ])
  })

  test('credit limitation: surcharge line outside the VAT base, VAT on the amount without it', () => {
    const entry = entryOf({ paymentConditionId: '33' })
    expect(entry.lines.map((l) => [l.glAccount, l.amount, l.vatCode, l.vatAmount, l.vatBaseAmount])).toEqual([
      ['8000', '1000.00', '2', '210.00', '1000.00'],
      ['8020', '20.00', '9', '0.00', '20.00'],
    ])
    expect(entry.total).toBe('1230.00')
    expect(entry.vatTotal).toBe('210.00')
    assertEntryShape(entry)
  })
})

describe('invoiceToEntry problems', () => {
  test('export switched off', () => {
    const settings = sandboxSettings()
    settings.sales.enabled = false
    expect(invoiceToEntry({ invoice: designInvoice(), settings, marker: MARKER })).toEqual({
      ok: false,
      problems: [{ field: '/type', code: 'export_disabled', message: expect.stringContaining('/sales/enabled') }],
    })
  })

  test('names each missing code once, pointing at the invoice and the settings', () => {
    const settings = sandboxSettings()
    settings.sales.journal = null
    settings.sales.defaultGlAccount = null
    const invoice = designInvoice({
      paymentConditionId: 'nope',
      lines: [
        { netAmount: '1.00', vatRate: '12' },
        { netAmount: '1.00', vatRate: '12' },
        { netAmount: '1.00', vatRate: '21', glAccount: '8000' },
      ],
    })
    const result = invoiceToEntry({ invoice, settings, marker: MARKER })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => `${p.field} ${p.code}`)).toEqual([
      '/type mapping_missing',
      '/paymentConditionId payment_condition_unknown',
      '/lines/0/glAccount mapping_missing',
      '/lines/0/vatRate mapping_missing',
    ])
    expect(result.problems[3].message).toBe('no sales VAT code for 12 % in the settings (/sales/vatCodes)')
  })

  test('credit limitation on a purchase invoice with no purchase surcharge account', () => {
    const result = invoiceToEntry({
      invoice: designInvoice({ type: 'purchase', paymentConditionId: '33' }),
      settings: sandboxSettings(),
      marker: MARKER,
    })
    expect(result.ok === false && result.problems.map((p) => `${p.field} ${p.code}`)).toEqual([
      '/paymentConditionId mapping_missing',
    ])
  })

  test('the discount line needs a VAT code outside the VAT base; the 0 % code is not one', () => {
    const settings = { ...sandboxSettings(), paymentDiscountBooking: 'separate_line' as const }
    settings.sales.adjustmentVatCode = null
    const result = invoiceToEntry({ invoice: designInvoice({ paymentConditionId: '32' }), settings, marker: MARKER })
    expect(result.ok === false && result.problems.map((p) => `${p.field} ${p.code} ${p.message}`)).toEqual([
      '/paymentConditionId mapping_missing the discount for cash line is outside the VAT base and needs a sales VAT code that reports no base (type N, no VAT) in the settings (/sales/adjustmentVatCode)',
    ])
    delete settings.sales.adjustmentVatCode
    expect(invoiceToEntry({ invoice: designInvoice({ paymentConditionId: '33' }), settings, marker: MARKER }).ok).toBe(
      false,
    )
  })
})

test.each([
  ['short', 10, 'short'],
  ['abcdef', 3, 'abc'],
  ['ab cd', 3, 'ab'],
  ['ééé😀x', 4, 'ééé😀'],
])('truncate(%s, %d)', (text, max, expected) => {
  expect(truncate(text, max)).toBe(expected)
})

describe('credit notes, references and YourRef', () => {
  test("a credit note goes to the side's credit-note journal when the settings name one; an invoice does not", () => {
    const credit = entryOf({ lines: [{ netAmount: '-100.00', vatRate: '21' }], totals: undefined })
    expect(credit.journal).toBe('71')
    expect(
      entryOf({ type: 'purchase', lines: [{ netAmount: '-100.00', vatRate: '21' }], totals: undefined }).journal,
    ).toBe('61')
    expect(entryOf().journal).toBe('70')
    const settings = sandboxSettings()
    settings.sales.creditNoteJournal = null
    const result = invoiceToEntry({
      invoice: designInvoice({ lines: [{ netAmount: '-100.00', vatRate: '21' }], totals: undefined }),
      settings,
      marker: MARKER,
    })
    expect(result.ok && result.entry.journal).toBe('70')
  })

  test('generateStructuredReference: a sales invoice without a reference gets one from its number; a given one is kept', () => {
    const settings = { ...sandboxSettings(), generateStructuredReference: true }
    const entry = (overrides: Parameters<typeof designInvoice>[0]) => {
      const result = invoiceToEntry({ invoice: designInvoice(overrides), settings, marker: MARKER })
      if (!result.ok) throw new Error(JSON.stringify(result.problems))
      return result.entry
    }
    expect(entry({ number: '2026-0042' }).paymentReference).toBe('+++002/0260/04240+++')
    expect(entry({ number: 'X', paymentReference: 'RF18539007547034' }).paymentReference).toBe('RF18539007547034')
    expect('paymentReference' in entry({ type: 'purchase', number: '2026-0042' })).toBe(false)
    expect('paymentReference' in entry({ number: 'NO-DIGITS' })).toBe(false)
    expect('paymentReference' in entryOf({ number: '2026-0042' })).toBe(false)
  })

  test('YourRef is the number, never more than 30 characters', () => {
    expect(entryOf({ number: 'A'.repeat(30) }).yourRef).toBe('A'.repeat(30))
    expect(entryOf({ number: 'B'.repeat(35) }).yourRef).toBe('B'.repeat(30))
  })
})
