import { connect, connectWithCustomer, createSupplier, glAccountId, useSandbox, type Session } from './sandbox-client'

describe('sandbox entry behaviour switches', () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let customer: string
  beforeEach(async () => {
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  const behave = async (settings: object): Promise<void> => {
    expect((await sb.control('PUT', '/behaviour', settings)).status).toBe(200)
  }
  const sale = (extra: object = {}, amount = 10) =>
    s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      EntryDate: '2026-03-01',
      YourRef: 'F-1',
      Description: 'xb-1 test',
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: amount, VATCode: '2' }],
      ...extra,
    })
  const entryKey = (id: string) => `salesentry/SalesEntries(guid'${id}')`

  describe('deletedEntryStatus', () => {
    it.each([
      [403, 'Forbidden'],
      [404, 'Not found'],
    ])('%s: a second DELETE and a GET by key answer %s; a filtered GET finds nothing', async (status, text) => {
      await behave({ deletedEntryStatus: status })
      const created = (await sale()).body.d
      const lineId = (await s.api('GET', `${entryKey(created.EntryID)}/SalesEntryLines?$select=ID`)).body.d.results[0]
        .ID
      expect((await s.api('DELETE', entryKey(created.EntryID))).status).toBe(204)
      for (const [method, path] of [
        ['DELETE', entryKey(created.EntryID)],
        ['GET', entryKey(created.EntryID)],
        ['DELETE', `salesentry/SalesEntryLines(guid'${lineId}')`],
        ['GET', `salesentry/SalesEntryLines(guid'${lineId}')`],
      ]) {
        const answer = await s.api(method, path)
        expect([method, answer.status, answer.body.error.message.value]).toEqual([method, status, text])
      }
      const filtered = await s.api(
        'GET',
        `salesentry/SalesEntries?$filter=EntryID eq guid'${created.EntryID}'&$select=EntryID`,
      )
      expect([filtered.status, filtered.body.d.results]).toEqual([200, []])
      expect(
        (await s.api('GET', "salesentry/SalesEntries?$filter=YourRef eq 'F-1'&$select=EntryID")).body.d.results,
      ).toEqual([])
      expect((await sb.control('GET', '/stats')).body.errorAnswers).toBe(4)
      expect((await s.api('GET', `purchaseentry/PurchaseEntries(guid'${created.EntryID}')`)).status).toBe(404)
    })
  })

  it.each([
    ['computed', 12.1, 2.1],
    ['zero', 0, null],
  ])('postAnswerTotals %s: the 201 carries AmountFC %s; a GET by key the real totals', async (mode, amount, vat) => {
    await behave({ postAnswerTotals: mode })
    const created = await sale()
    expect(created.status).toBe(201)
    expect(created.body.d).toMatchObject({ AmountFC: amount, AmountDC: amount, VATAmountFC: vat, VATAmountDC: vat })
    const read = await s.api('GET', `${entryKey(created.body.d.EntryID)}?$select=AmountFC,VATAmountFC`)
    expect(read.body.d).toMatchObject({ AmountFC: 12.1, VATAmountFC: 2.1 })
  })

  describe('deleteRefusal', () => {
    it('none: DELETE of the entry and of a line answer 204', async () => {
      const created = (
        await sale({
          SalesEntryLines: [
            { GLAccount: revenue, AmountFC: 1 },
            { GLAccount: revenue, AmountFC: 2 },
          ],
        })
      ).body.d
      const lineId = (await s.api('GET', `${entryKey(created.EntryID)}/SalesEntryLines?$select=ID`)).body.d.results[0]
        .ID
      expect((await s.api('DELETE', `salesentry/SalesEntryLines(guid'${lineId}')`)).status).toBe(204)
      expect((await s.api('DELETE', entryKey(created.EntryID))).status).toBe(204)
    })

    it.each([
      ['period_closed', 'nl-NL', 'Niet toegestaan: Periode is afgesloten'],
      ['vat_return_processed', 'en-GB', 'Not allowed: Entry is processed in a VAT return'],
    ])(
      '%s: DELETE of the entry and of its line is refused with 500 (%s), nothing deleted',
      async (reason, language, text) => {
        await behave({ deleteRefusal: reason })
        const user = await connect(sb.url, { division: String(s.division), language })
        const created = (await sale()).body.d
        const lineId = (await s.api('GET', `${entryKey(created.EntryID)}/SalesEntryLines?$select=ID`)).body.d.results[0]
          .ID
        for (const path of [entryKey(created.EntryID), `salesentry/SalesEntryLines(guid'${lineId}')`]) {
          const refused = await user.api('DELETE', path)
          expect([refused.status, refused.body.error.message.value]).toEqual([500, text])
        }
        expect((await s.api('GET', `${entryKey(created.EntryID)}?$select=EntryID`)).status).toBe(200)
        expect((await sb.control('GET', `/divisions/${s.division}/entries`)).body[0]).toMatchObject({
          deleted: false,
          Lines: [expect.any(Object)],
        })
      },
    )
  })

  describe('creditNoteType and credit-note journals', () => {
    it('derived: a negative total on the sales journal is Type 21; entry: it stays 20', async () => {
      expect((await sale({}, -10)).body.d).toMatchObject({ Type: 21, AmountFC: -12.1 })
      await behave({ creditNoteType: 'entry' })
      const kept = (await sale({}, -10)).body.d
      expect(kept.Type).toBe(20)
      const ledger = await s.api(
        'GET',
        `financialtransaction/TransactionLines?$filter=EntryID eq guid'${kept.EntryID}'&$select=Type`,
      )
      expect(ledger.body.d.results.every((l: any) => l.Type === 20)).toBe(true)
      expect(
        (
          await s.api(
            'GET',
            `cashflow/Receivables?$filter=TransactionEntryID eq guid'${kept.EntryID}'&$select=TransactionType`,
          )
        ).body.d.results[0].TransactionType,
      ).toBe(20)
    })

    it.each(['derived', 'entry'])('%s: the return-invoice journals 71 and 61 always book 21 and 31', async (mode) => {
      await behave({ creditNoteType: mode })
      expect((await sale({ Journal: '71' }, -10)).body.d).toMatchObject({
        Type: 21,
        Journal: '71',
        TypeDescription: 'Creditnota verkoop',
      })
      const supplier = await createSupplier(s)
      const purchase = await s.api('POST', 'purchaseentry/PurchaseEntries', {
        Journal: '61',
        Supplier: supplier,
        PurchaseEntryLines: [{ GLAccount: await glAccountId(s, '4000'), AmountFC: -20, VATCode: '5' }],
      })
      expect(purchase.body.d).toMatchObject({ Type: 31, EntryNumber: 26610001 })
      expect((await sale({ Journal: '61' })).body.error.message.value).toBe(
        'Ongeldig dagboek. Het dagboek moet een verkoopdagboek zijn.',
      )
    })
  })

  describe('YourRef length', () => {
    const long = 'INV-2026-000123456789-ABCDEFGHIJKLMNOPQ' // 40 characters

    it('default: cut silently to 30 characters (POST and PUT), so an exact-match search on the full value finds nothing', async () => {
      const created = await sale({ YourRef: long })
      expect(created.body.d.YourRef).toBe(long.slice(0, 30))
      expect(
        (await s.api('GET', `salesentry/SalesEntries?$filter=YourRef eq '${long}'&$select=EntryID`)).body.d.results,
      ).toEqual([])
      expect(
        (await s.api('GET', `salesentry/SalesEntries?$filter=YourRef eq '${long.slice(0, 30)}'&$select=EntryID`)).body.d
          .results,
      ).toHaveLength(1)
      await s.api('PUT', entryKey(created.body.d.EntryID), { YourRef: `X${long}` })
      expect((await s.api('GET', `${entryKey(created.body.d.EntryID)}?$select=YourRef`)).body.d.YourRef).toBe(
        `X${long}`.slice(0, 30),
      )
    })

    it('refuse: a longer YourRef is a 500 and books nothing; 0 keeps any length', async () => {
      await behave({ yourRefOverflow: 'refuse', yourRefMaxLength: 35 })
      const refused = await sale({ YourRef: long })
      expect([refused.status, refused.body.error.message.value]).toEqual([
        500,
        'Waarde te lang: Uw ref. (maximaal 35 tekens)',
      ])
      expect((await sb.control('GET', `/divisions/${s.division}/entries`)).body).toEqual([])
      expect((await sale({ YourRef: long.slice(0, 35) })).status).toBe(201)
      await behave({ yourRefMaxLength: 0 })
      expect((await sale({ YourRef: long })).body.d.YourRef).toBe(long)
    })
  })

  describe('entryDescriptionFilter', () => {
    const marker = encodeURIComponent("YourRef eq 'F-1' and startswith(Description,'xb-1') eq true")

    it.each([['salesentry/SalesEntries'], ['purchaseentry/PurchaseEntries']])(
      'refused: a $filter naming Description on %s is a 400 error answer',
      async (path) => {
        await behave({ entryDescriptionFilter: 'refused' })
        await sb.control('POST', '/stats/reset')
        const refused = await s.api('GET', `${path}?$filter=${marker}&$select=EntryID`)
        expect(refused.status).toBe(400)
        expect(refused.body).toEqual({
          error: {
            code: '',
            message: { lang: '', value: 'This $filter parameter is not supported for this resource.' },
          },
        })
        expect((await sb.control('GET', '/stats')).body.errorAnswers).toBe(1)
        expect((await s.api('GET', `${path}?$filter=YourRef eq 'F-1'&$select=EntryID,Description`)).status).toBe(200)
      },
    )

    it('supported (default): the marker search answers', async () => {
      await sale()
      const found = await s.api('GET', `salesentry/SalesEntries?$filter=${marker}&$select=EntryID`)
      expect([found.status, found.body.d.results.length]).toEqual([200, 1])
    })
  })

  describe('receivablesListFilter', () => {
    it('refused: EntryNumber or JournalCode is a 400; AccountId and DueDate keep working', async () => {
      const created = (await sale()).body.d
      await behave({ receivablesListFilter: 'refused' })
      for (const filter of [`EntryNumber eq ${created.EntryNumber}`, "JournalCode eq '70'"]) {
        const refused = await s.api('GET', `read/financial/ReceivablesList?$filter=${encodeURIComponent(filter)}`)
        expect([refused.status, refused.body.error.message.value]).toEqual([
          400,
          'This $filter parameter is not supported for this resource.',
        ])
      }
      expect((await s.api('GET', `read/financial/PayablesList?$filter=JournalCode eq '60'`)).status).toBe(400)
      const byAccount = await s.api(
        'GET',
        `read/financial/ReceivablesList?$filter=AccountId eq guid'${customer}' and DueDate ge datetime'2026-01-01'`,
      )
      expect(byAccount.body.d.results).toEqual([
        expect.objectContaining({ EntryNumber: created.EntryNumber, Amount: 12.1 }),
      ])
    })

    it('supported (default): filters on EntryNumber and JournalCode answer', async () => {
      const created = (await sale()).body.d
      const found = await s.api(
        'GET',
        `read/financial/ReceivablesList?$filter=EntryNumber eq ${created.EntryNumber} and JournalCode eq '70'`,
      )
      expect(found.body.d.results).toEqual([expect.objectContaining({ Amount: 12.1 })])
    })
  })
})
