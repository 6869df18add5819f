import Big from 'big.js'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { DISCOUNT_EXAMPLES, type DiscountExample } from '../unit/discount-examples'
import type { Invoice } from '../../src/domain/invoice'
import type { InvoiceType } from '../../src/domain/types'
import type { Settings } from '../../src/domain/settings'

/**
 * The worked examples (test/unit/discount-examples.ts, README) booked for real: each row's invoice is
 * exported by one tenant per paymentDiscountBooking mode, and the entry in the sandbox ledger must
 * carry the row's lines, VAT and totals, and the sandbox's VAT return must show the row's VAT base
 * and VAT, with the discount or surcharge line's amount outside every reported base. Only the 2 %
 * rows: the sandbox's conditions 32 (B) and 33 (K) are 2 %, and the settings check refuses a
 * percentage Exact's condition does not have.
 */
const settingsFor = (mode: Settings['paymentDiscountBooking']): Settings => {
  const base = sandboxSettings({ paymentDiscountBooking: mode })
  return {
    ...base,
    paymentConditions: base.paymentConditions.map((c) =>
      c.id === '30d-2pct'
        ? { ...c, purchaseDiscountForCashGlAccount: '7010' }
        : c.id === '30d-kb2'
          ? { ...c, purchaseCreditLimitationGlAccount: '4000' }
          : c,
    ),
  }
}

const CHART = {
  sales: {
    revenue: '8000',
    discount: '8010',
    surcharge: '8020',
    vat: { '21': '2', '6': '6', '0': '0' } as Record<string, string>,
    outsideVat: '9',
  },
  purchase: {
    revenue: '7000',
    discount: '7010',
    surcharge: '4000',
    vat: { '21': '5', '6': '7', '0': '8' } as Record<string, string>,
    outsideVat: '19',
  },
}

interface VatReturn {
  codes: Array<{ vatCode: string; type: string; reported: boolean; base: string; vat: string }>
  summary: { reportedBase: string; reportedVat: string }
}

const twoPercent = DISCOUNT_EXAMPLES.filter((e) => e.percent === '2' && e.kind !== 'none')
const row = (name: string) => DISCOUNT_EXAMPLES.find((e) => e.name.startsWith(name))!
const cases: Array<[string, InvoiceType, DiscountExample]> = [
  ...twoPercent.map((e): [string, InvoiceType, DiscountExample] => [e.name, 'sales', e]),
  ['purchase: discount for cash 2 %, 21 %', 'purchase', row('discount for cash 2 %, 21 %')],
  ['purchase: credit limitation 2 %, 21 %', 'purchase', row('credit limitation 2 %, 21 %')],
]

function invoiceFor(example: DiscountExample, type: InvoiceType): Invoice {
  const net = example.lines.reduce((sum, [amount]) => sum.plus(amount), new Big(0)).toFixed(2)
  return makeInvoice({
    type,
    paymentConditionId: example.kind === 'discount_for_cash' ? '30d-2pct' : '30d-kb2',
    lines: example.lines.map(([netAmount, vatRate], i) => ({ description: `Line ${i + 1}`, netAmount, vatRate })),
    totals: { net, vat: example.vat, gross: example.gross },
  })
}

/** A table cell such as `980.00/205.80` or `discount 20.00/0.00` -> the sandbox line we expect. */
function expectedLines(example: DiscountExample, type: InvoiceType, mode: Settings['paymentDiscountBooking']) {
  const cells = mode === 'payment_condition' ? example.paymentConditionLines : example.separateLines
  const chart = CHART[type]
  return cells.map((cell, i) => {
    const [label, amounts] = cell.includes(' ') ? cell.split(' ') : ['line', cell]
    const [amount, vat] = amounts!.split('/')
    if (label === 'line') return { gl: chart.revenue, amount, vatCode: chart.vat[example.lines[i]![1]], vat }
    return { gl: label === 'discount' ? chart.discount : chart.surcharge, amount, vatCode: chart.outsideVat, vat }
  })
}

/** What the VAT return holds per code, as decimal strings, and its reported totals. */
async function vatReturn(
  h: Harness,
  division: number,
): Promise<{ byCode: Map<string, { base: Big; vat: Big; reported: boolean }>; base: Big; vat: Big }> {
  const r = await sandboxJson<VatReturn>(h, `/_sandbox/divisions/${division}/vat-return`)
  return {
    byCode: new Map(
      r.codes.map((c) => [c.vatCode.trim(), { base: new Big(c.base), vat: new Big(c.vat), reported: c.reported }]),
    ),
    base: new Big(r.summary.reportedBase),
    vat: new Big(r.summary.reportedVat),
  }
}

describe('payment discounts booked line by line as the worked examples say', () => {
  let h: Harness
  const tenants = {} as Record<Settings['paymentDiscountBooking'], TenantApi>

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenants.payment_condition = await connectedTenant(h, 'Condition BV', settingsFor('payment_condition'))
    tenants.separate_line = await connectedTenant(h, 'Separate BV', settingsFor('separate_line'))
  })
  afterAll(async () => h.close())

  describe.each(['payment_condition', 'separate_line'] as const)('mode %s', (mode) => {
    it.each(cases)('%s (%s)', async (_name, type, example) => {
      const tenant = tenants[mode]
      const invoice = invoiceFor(example, type)
      const id = `${mode}-${type}-${DISCOUNT_EXAMPLES.indexOf(example)}`
      expect((await tenant.put(id, invoice)).statusCode).toBe(201)
      const before = await vatReturn(h, tenant.division)
      const res = await tenant.exportIt(id)
      expect(res.statusCode).toBe(201)
      expect(res.json()).toMatchObject({
        status: 'exported',
        total: example.gross,
        exactTotal: example.gross,
        totalMismatch: false,
      })

      const entry = await tenant.entryFor(invoice.number)
      expect(entry.kind).toBe(type)
      expect(
        entry.Lines.map((l: any) => ({
          gl: l.GLAccountCode,
          amount: l.AmountFC,
          vatCode: l.VATCode,
          vat: l.VATAmountFC,
        })),
      ).toEqual(expectedLines(example, type, mode))
      expect({ total: entry.AmountFC, vat: entry.VATAmountFC, condition: entry.PaymentCondition }).toEqual({
        total: example.gross,
        vat: example.vat,
        condition: example.kind === 'discount_for_cash' ? '32' : '33',
      })
      const credit = new Big(example.gross).lt(0)
      expect(entry.Type).toBe(type === 'sales' ? (credit ? 21 : 20) : credit ? 31 : 30)

      // The VAT return: the example's base and VAT reported, the adjustment outside every reported base.
      const after = await vatReturn(h, tenant.division)
      expect([after.base.minus(before.base).toFixed(2), after.vat.minus(before.vat).toFixed(2)]).toEqual([
        example.vatBase,
        example.vat,
      ])
      const adjustment =
        example.kind === 'discount_for_cash'
          ? mode === 'separate_line'
            ? example.discount
            : '0.00'
          : example.surcharge
      const outside = (r: typeof after) => r.byCode.get(CHART[type].outsideVat)
      expect(outside(after)?.reported ?? false).toBe(false)
      expect((outside(after)?.base ?? new Big(0)).minus(outside(before)?.base ?? new Big(0)).toFixed(2)).toBe(
        new Big(adjustment)
          .abs()
          .times(credit ? -1 : 1)
          .toFixed(2),
      )
      const rates = new Set(example.lines.map(([, rate]) => rate))
      if (rates.size === 1) {
        const code = CHART[type].vat[[...rates][0]!]!
        expect(
          after.byCode
            .get(code)!
            .base.minus(before.byCode.get(code)?.base ?? new Big(0))
            .toFixed(2),
        ).toBe(example.vatBase)
      }
    })
  })
})

describe('credit notes', () => {
  let h: Harness
  let tenant: TenantApi

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Credit BV')
  })
  afterAll(async () => h.close())

  it.each([
    ['sales', 21, '8000', '2'],
    ['purchase', 31, '7000', '5'],
  ] as const)(
    'a negative %s invoice is booked as a credit note (Type %i) with negative amounts, and undo deletes it',
    async (type, entryType, gl, vatCode) => {
      const invoice = makeInvoice({
        type,
        description: 'Credit for returned goods',
        lines: [
          { description: 'Returned', netAmount: '-250.00', vatRate: '21' },
          { description: 'Restocking fee', netAmount: '20.00', vatRate: '21' },
        ],
        totals: { net: '-230.00', vat: '-48.30', gross: '-278.30' },
      })
      await tenant.put(`cn-${type}`, invoice)
      const res = await tenant.exportIt(`cn-${type}`)
      expect(res.statusCode).toBe(201)
      const exported = res.json()
      expect(exported).toMatchObject({
        status: 'exported',
        total: '-278.30',
        exactTotal: '-278.30',
        totalMismatch: false,
      })

      const entry = await tenant.entryFor(invoice.number)
      expect(entry.Type).toBe(entryType)
      expect(entry.EntryNumber).toBe(exported.entryNumber)
      expect({ total: entry.AmountFC, vat: entry.VATAmountFC }).toEqual({ total: '-278.30', vat: '-48.30' })
      expect(entry.Lines.map((l: any) => [l.GLAccountCode, l.AmountFC, l.VATCode, l.VATAmountFC])).toEqual([
        [gl, '-250.00', vatCode, '-52.50'],
        [gl, '20.00', vatCode, '4.20'],
      ])

      const undo = await tenant.call('DELETE', `/exports/${exported.id}`)
      expect(undo.statusCode).toBe(200)
      expect(undo.json().status).toBe('undone')
      const after = (await tenant.entries()).filter((e) => e.YourRef === invoice.number)
      expect(after.map((e) => [e.EntryID, e.deleted])).toEqual([[exported.entryId, true]])
      expect((await tenant.call('GET', `/invoices/cn-${type}/export`)).json().status).toBe('undone')
    },
  )
})
