import { resetBehaviour, sandboxStats, setBehaviour, setFaults } from '../helpers/behaviour'
import { makeInvoice, sandboxSettings } from '../helpers/factories'
import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import type { Invoice } from '../../src/domain/invoice'

/**
 * Booking under each answer Exact may give where the sources do not settle it (issue 9): the
 * sandbox is switched to each answer in turn, and the ledger and the app's answers must be the same
 * and right under both. Assertions read the sandbox ledger, not what the service says of itself.
 */
describe('exports under either answer of Exact', () => {
  let h: Harness
  let t: TenantApi
  let n = 0
  const id = (prefix: string) => `${prefix}-${++n}`
  const credit = (overrides: Partial<Invoice> = {}) =>
    makeInvoice({
      lines: [{ description: 'Refund', netAmount: '-200.00', vatRate: '21' }],
      totals: { net: '-200.00', vat: '-42.00', gross: '-242.00' },
      ...overrides,
    })

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    t = await connectedTenant(h, 'Acme')
  })
  afterEach(async () => {
    await setFaults(h, {})
    await resetBehaviour(h)
  })
  afterAll(async () => h.close())

  describe.each(['computed', 'zero'] as const)('POST answer totals %s', (postAnswerTotals) => {
    it("the export carries Exact's real total and Type, read back, and never a zero", async () => {
      await setBehaviour(h, { postAnswerTotals })
      const invoiceId = id('pat')
      const invoice = makeInvoice()
      await t.put(invoiceId, invoice)
      const res = await t.exportIt(invoiceId)
      expect(res.statusCode).toBe(201)
      expect(res.json()).toMatchObject({
        status: 'exported',
        total: '1210.00',
        exactTotal: '1210.00',
        totalMismatch: false,
        exactType: 20,
        typeMismatch: false,
      })
      const entry = await t.entryFor(invoice.number)
      expect([entry.AmountFC, entry.VATAmountFC, entry.EntryNumber]).toEqual([
        '1210.00',
        '210.00',
        res.json().entryNumber,
      ])
      const status = await t.call('GET', `/invoices/${invoiceId}/payment-status`)
      expect(status.json()).toMatchObject({ status: 'unpaid', amount: '1210.00', outstanding: '1210.00' })
      const lines = await h.database.db
        .selectFrom('export_entry_lines')
        .select('line_id')
        .where('export_id', '=', res.json().id)
        .execute()
      expect(lines.map((l) => l.line_id).sort()).toEqual(
        entry.Lines.map((l: { ID: string }) => l.ID.toLowerCase()).sort(),
      )

      // What a single export costs once the relation is known: the POST and its read-back.
      await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
      const next = makeInvoice({ party: invoice.party })
      expect((await t.call('POST', `/invoices/${id('pat')}/export`, next)).statusCode).toBe(201)
      const stats = await sandboxStats(h)
      expect([
        stats.calls,
        stats.byResource['POST salesentry/SalesEntries'],
        stats.byResource['GET salesentry/SalesEntries'],
      ]).toEqual([2, 1, 1])
    })
  })

  describe.each(['derived', 'entry'] as const)('credit-note Type %s', (creditNoteType) => {
    it('a credit note on the credit-note journal reads back as Type 21 (sales) and 31 (purchase)', async () => {
      await setBehaviour(h, { creditNoteType })
      const tenant = await connectedTenant(
        h,
        `Credit ${creditNoteType}`,
        sandboxSettings({
          sales: { ...sandboxSettings().sales, creditNoteJournal: '71' },
          purchase: { ...sandboxSettings().purchase, creditNoteJournal: '61' },
        }),
      )
      for (const [type, journal, exactType] of [
        ['sales', '71', 21],
        ['purchase', '61', 31],
      ] as const) {
        const invoiceId = id(`cn-${type}`)
        const invoice = credit({ type })
        await tenant.put(invoiceId, invoice)
        const res = await tenant.exportIt(invoiceId)
        expect(res.statusCode).toBe(201)
        expect(res.json()).toMatchObject({ journal, exactType, typeMismatch: false, exactTotal: '-242.00' })
        const entry = await tenant.entryFor(invoice.number)
        expect([entry.Journal, entry.Type, entry.AmountFC]).toEqual([journal, exactType, '-242.00'])
      }
      // An invoice (positive) stays on the main journal.
      const invoice = makeInvoice()
      await tenant.put(id('inv'), invoice)
      expect((await tenant.exportIt(`inv-${n}`)).json()).toMatchObject({
        journal: '70',
        exactType: 20,
        typeMismatch: false,
      })
    })

    it('without a credit-note journal, a Type Exact kept at 20 is flagged on the export', async () => {
      await setBehaviour(h, { creditNoteType })
      const invoiceId = id('cn-main')
      const invoice = credit()
      await t.put(invoiceId, invoice)
      const res = await t.exportIt(invoiceId)
      const kept = creditNoteType === 'entry'
      expect(res.json()).toMatchObject({ journal: '70', exactType: kept ? 20 : 21, typeMismatch: kept })
      expect((await t.entryFor(invoice.number)).Type).toBe(kept ? 20 : 21)
    })
  })

  it('a currency the journal does not allow is refused before anything is sent; a journal that allows it books it', async () => {
    await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
    const usd = makeInvoice({ currency: 'USD' })
    await t.put('usd-1', usd)
    const refused = await t.exportIt('usd-1')
    expect(refused.statusCode).toBe(422)
    expect(refused.json()).toMatchObject({ code: 'mapping_missing', field: '/currency' })
    expect(refused.json().detail).toContain('journal 70')
    expect((await sandboxStats(h)).byResource['POST salesentry/SalesEntries'] ?? 0).toBe(0)
    expect((await sandboxStats(h)).errorAnswers).toBe(0)

    const anyCurrency = await connectedTenant(
      h,
      'Dollars',
      sandboxSettings({ sales: { ...sandboxSettings().sales, journal: '72' } }),
    )
    await anyCurrency.put('usd-2', usd)
    const booked = await anyCurrency.exportIt('usd-2')
    expect(booked.statusCode).toBe(201)
    expect((await anyCurrency.entryFor(usd.number)).Currency).toBe('USD')
  })

  it.each(['truncate', 'refuse'] as const)(
    'a 35-character invoice number is refused before anything reaches Exact or is stored (overflow %s)',
    async (yourRefOverflow) => {
      await setBehaviour(h, { yourRefOverflow })
      await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
      const invoice = makeInvoice({ number: 'N'.repeat(35) })
      const longId = id('long')
      const res = await t.call('POST', `/invoices/${longId}/export`, invoice)
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({ code: 'invoice_invalid', field: '/number' })
      expect(res.json().detail).toContain('30')
      expect((await t.call('GET', `/invoices/${longId}`)).statusCode).toBe(404)
      expect((await t.call('PUT', `/invoices/${longId}`, invoice)).statusCode).toBe(422)
      expect((await sandboxStats(h)).calls).toBe(0)
      const thirty = makeInvoice({ number: `${yourRefOverflow}`.padEnd(30, 'N') })
      expect((await t.call('POST', `/invoices/${id('thirty')}/export`, thirty)).statusCode).toBe(201)
      expect((await t.entryFor(thirty.number)).YourRef).toBe(thirty.number)
    },
  )

  it('an Exact that keeps fewer than 30 characters of YourRef is found out from the read-back; longer numbers are refused from then on', async () => {
    await setBehaviour(h, { yourRefMaxLength: 20, yourRefOverflow: 'truncate' })
    const tenant = await connectedTenant(h, 'Short YourRef')
    const first = makeInvoice({ number: 'SHORT-2026-000000000001' })
    const booked = await tenant.call('POST', '/invoices/short-1/export', first)
    expect(booked.statusCode).toBe(201)
    expect((await tenant.entries())[0].YourRef).toBe('SHORT-2026-000000000'.slice(0, 20))
    const refused = await tenant.call(
      'POST',
      '/invoices/short-2/export',
      makeInvoice({ number: 'SHORT-2026-000000000002' }),
    )
    expect(refused.statusCode).toBe(422)
    expect(refused.json()).toMatchObject({ code: 'invoice_invalid', field: '/number' })
    expect(refused.json().detail).toContain('at most 20')
    expect((await tenant.call('GET', '/invoices/short-2')).statusCode).toBe(404)
    // A number that fits is booked, and found again by its YourRef after a lost answer.
    await setFaults(h, { timeoutAfterCommitRate: 1 })
    const fits = makeInvoice({ party: first.party, number: 'S-2026-3' })
    expect((await tenant.call('POST', '/invoices/short-3/export', fits)).statusCode).toBe(503)
    await setFaults(h, {})
    expect((await tenant.exportIt('short-3')).json()).toMatchObject({ status: 'exported' })
    expect((await tenant.entries()).filter((e) => e.YourRef === 'S-2026-3' && !e.deleted)).toHaveLength(1)
  })

  it('an Exact that refuses a long YourRef books nothing: the export fails with its reason', async () => {
    await setBehaviour(h, { yourRefMaxLength: 20, yourRefOverflow: 'refuse' })
    const tenant = await connectedTenant(h, 'Refused YourRef')
    const res = await tenant.call(
      'POST',
      '/invoices/refused-1/export',
      makeInvoice({ number: 'REFUSED-2026-00000001' }),
    )
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ code: 'exact_rejected' })
    expect(res.json().detail).toMatch(/Uw ref|Your ref/)
    expect((await tenant.entries()).filter((e) => !e.deleted)).toHaveLength(0)
  })

  describe.each(['supported', 'refused'] as const)('a Description filter on entries %s', (entryDescriptionFilter) => {
    it('40 exports whose answers are all lost end as exactly 40 entries, found again by YourRef', async () => {
      const tenant = await connectedTenant(h, `Lost ${entryDescriptionFilter}`)
      const party = makeInvoice().party
      const invoices = Array.from({ length: 40 }, (_, i) =>
        makeInvoice({ party, number: `L-${entryDescriptionFilter}-${i}` }),
      )
      for (const [i, invoice] of invoices.entries())
        expect((await tenant.put(`lost-${i}`, invoice)).statusCode).toBe(201)
      await setBehaviour(h, { entryDescriptionFilter })
      await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
      // Every write is carried out and its answer lost (the account's POST too).
      await setFaults(h, { timeoutAfterCommitRate: 1 })
      const answers = []
      let lostAnswers = 0
      for (let i = 0; i < invoices.length; i++) {
        let res = await tenant.exportIt(`lost-${i}`)
        for (let attempt = 0; attempt < 5 && res.statusCode >= 500; attempt++) {
          lostAnswers++
          res = await tenant.exportIt(`lost-${i}`)
        }
        answers.push(res)
      }
      await setFaults(h, {})
      // Every entry's POST answer was lost at least once (the account's too, for the first).
      expect(lostAnswers).toBeGreaterThanOrEqual(40)
      expect((await sandboxStats(h)).byResource['POST salesentry/SalesEntries']).toBe(40)
      expect(answers.map((a) => a.statusCode).every((s) => s === 200 || s === 201)).toBe(true)
      const ledger = (await tenant.entries()).filter((e) => !e.deleted)
      expect(ledger).toHaveLength(40)
      expect(new Set(ledger.map((e) => e.YourRef))).toEqual(new Set(invoices.map((i) => i.number)))
      const byRef = new Map(ledger.map((e) => [e.YourRef, e.EntryNumber]))
      answers.forEach((a, i) =>
        expect(a.json()).toMatchObject({ status: 'exported', entryNumber: byRef.get(invoices[i]!.number) }),
      )
      expect((await tenant.accounts()).filter((a) => a.Code === party.code)).toHaveLength(1)
      // Nothing asked Exact for a filter it might refuse.
      expect((await sandboxStats(h)).errorAnswers).toBe(0)
    }, 120_000)
  })

  describe.each([403, 404] as const)('a deleted entry answers %s', (deletedEntryStatus) => {
    it('undo after a lost DELETE answer is 200, and undo twice answers the same', async () => {
      await setBehaviour(h, { deletedEntryStatus })
      const invoiceId = id('undo')
      const invoice = makeInvoice()
      await t.put(invoiceId, invoice)
      const exported = (await t.exportIt(invoiceId)).json()
      await setFaults(h, { timeoutAfterCommitRate: 1 })
      const lost = await t.call('DELETE', `/exports/${exported.id}`)
      await setFaults(h, {})
      expect(lost.statusCode).toBe(503)
      expect((await t.entries()).find((e) => e.EntryID === exported.entryId).deleted).toBe(true)
      const again = await t.call('DELETE', `/exports/${exported.id}`)
      expect(again.statusCode).toBe(200)
      expect(again.json()).toMatchObject({ status: 'undone' })
      const third = await t.call('DELETE', `/exports/${exported.id}`)
      expect([third.statusCode, third.json().undoneAt]).toEqual([200, again.json().undoneAt])
      const attempts = (await t.call('GET', `/exports/${exported.id}`))
        .json()
        .attempts.filter((a: { action: string }) => a.action === 'delete')
      expect(attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['gone'])
    })
  })

  it.each(['period_closed', 'vat_return_processed'] as const)(
    'a DELETE Exact refuses (%s) is 409 with its reason; the entry stays',
    async (deleteRefusal) => {
      const invoiceId = id('refused')
      await t.put(invoiceId, makeInvoice())
      const exported = (await t.exportIt(invoiceId)).json()
      await setBehaviour(h, { deleteRefusal })
      const res = await t.call('DELETE', `/exports/${exported.id}`)
      expect(res.statusCode).toBe(409)
      expect(res.json()).toMatchObject({ code: 'undo_refused' })
      expect(res.json().detail).toMatch(
        deleteRefusal === 'period_closed' ? /Periode is afgesloten|Period is closed/ : /btw-aangifte|VAT return/,
      )
      expect((await t.entries()).find((e) => e.EntryID === exported.entryId).deleted).toBe(false)
      expect((await t.call('GET', `/exports/${exported.id}`)).json().status).toBe('exported')
    },
  )
})
