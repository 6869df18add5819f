import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { makeInvoice } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { createAccount } from '../../src/exact/accounts'

/** Which Exact account an export books on, read from the sandbox's accounts and entries. */
describe('relations', () => {
  let h: Harness
  let tenant: TenantApi

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Relations BV')
  })
  afterAll(async () => h.close())

  it("two Exact accounts with the party's VAT number: 422 relation_ambiguous naming both, nothing booked; pinned to one, booked on it", async () => {
    const client = await h.exact.clientFor(tenant.id)
    const vatNumber = 'BE0999888777'
    const twinA = await createAccount(
      client,
      { name: 'Twin Holding NV', vatNumber, address: { postcode: '9000', city: 'Gent' } },
      { customer: true },
    )
    const twinB = await createAccount(
      client,
      { name: 'Twin Holding NV (Gent)', vatNumber, address: { postcode: '9000', city: 'Gent' } },
      { customer: true },
    )
    const accountsBefore = (await tenant.accounts()).length

    const invoice = makeInvoice({
      party: {
        id: 'twin-party',
        name: 'Twin Holding',
        vatNumber,
        address: { postcode: '9000', city: 'Gent', country: 'BE' },
      },
    })
    await tenant.put('amb-1', invoice)
    const refused = await tenant.exportIt('amb-1')
    expect(refused.statusCode).toBe(422)
    expect(refused.json()).toMatchObject({ code: 'relation_ambiguous', field: '/party' })
    const candidates = refused.json().details.candidates as Array<{ id: string; vatNumber: string }>
    expect(candidates.map((c) => c.id).sort()).toEqual([twinA.id, twinB.id].sort())
    expect(candidates.every((c) => c.vatNumber === vatNumber)).toBe(true)

    expect((await tenant.entries()).filter((e) => e.YourRef === invoice.number)).toEqual([])
    expect(await tenant.accounts()).toHaveLength(accountsBefore)
    const failed = (await tenant.call('GET', '/invoices/amb-1/export')).json()
    expect(failed).toMatchObject({ status: 'failed', entryNumber: null, error: { code: 'relation_ambiguous' } })

    const pinned = { ...invoice, party: { ...invoice.party, exactAccountId: twinB.id } }
    await tenant.put('amb-1', pinned)
    const booked = await tenant.exportIt('amb-1')
    expect(booked.statusCode).toBe(201)
    expect(booked.json()).toMatchObject({ status: 'exported', relation: { id: twinB.id, created: false } })
    const entry = await tenant.entryFor(invoice.number)
    expect(entry.Customer).toBe(twinB.id)
    expect(entry.EntryNumber).toBe(booked.json().entryNumber)
    expect(await tenant.accounts()).toHaveLength(accountsBefore)
  })

  it('a pinned exactAccountId Exact does not have: 422 relation_not_found; a new party without a name: 422 invoice_invalid naming /party/name', async () => {
    const accountsBefore = (await tenant.accounts()).length
    const pinned = makeInvoice({
      party: { id: 'pinned-nowhere', name: 'Pinned Nowhere', exactAccountId: '00000000-0000-4000-8000-0000000000aa' },
    })
    await tenant.put('pin-1', pinned)
    const missing = await tenant.exportIt('pin-1')
    expect([missing.statusCode, missing.json().code, missing.json().field]).toEqual([
      422,
      'relation_not_found',
      '/party/exactAccountId',
    ])

    const nameless = makeInvoice({ party: { id: 'nameless-party', vatNumber: 'BE0111222999' } })
    await tenant.put('nameless-1', nameless)
    const refused = await tenant.exportIt('nameless-1')
    expect([refused.statusCode, refused.json().code, refused.json().field]).toEqual([
      422,
      'invoice_invalid',
      '/party/name',
    ])
    expect(refused.json().errors).toEqual([
      { field: '/party/name', message: expect.stringMatching(/^is required/), code: 'party_name_required' },
    ])
    expect(await tenant.accounts()).toHaveLength(accountsBefore)
    expect(
      (await tenant.entries()).filter((e) => e.YourRef === pinned.number || e.YourRef === nameless.number),
    ).toEqual([])
  })

  it('a party whose VAT number is written with spaces and dots books on the Exact account that has it written plainly', async () => {
    const client = await h.exact.clientFor(tenant.id)
    const account = await createAccount(client, { name: 'Formatted NV', vatNumber: 'BE0555444333' }, { customer: true })
    const accountsBefore = (await tenant.accounts()).length
    const invoice = makeInvoice({ party: { id: 'formatted', name: 'Formatted', vatNumber: 'BE 0555.444.333' } })
    await tenant.put('fmt-1', invoice)
    const res = await tenant.exportIt('fmt-1')
    expect(res.statusCode).toBe(201)
    expect(res.json().relation).toMatchObject({ id: account.id, created: false })
    expect((await tenant.entryFor(invoice.number)).Customer).toBe(account.id)
    expect(await tenant.accounts()).toHaveLength(accountsBefore)
  })

  it('a party whose email and address changed, exported again under the same id, books on its first account', async () => {
    // No code and no VAT number: only the remembered match can tell it is the same party once the postcode changes.
    const party = {
      id: 'moving-party',
      name: 'Moving Company BV',
      email: 'old@moving.example',
      address: { line1: 'Old road 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
    }
    const first = makeInvoice({ party })
    await tenant.put('mv-1', first)
    const exported = (await tenant.exportIt('mv-1')).json()
    expect(exported.relation.created).toBe(true)
    const accountsAfterFirst = await tenant.accounts()
    expect(accountsAfterFirst.filter((a) => a.Name === party.name)).toHaveLength(1)

    await sandboxJson(h, '/_sandbox/stats/reset', { method: 'POST' })
    const moved = {
      ...party,
      email: 'accounts@moving.example',
      address: { line1: 'New avenue 99', postcode: '3000', city: 'Leuven', country: 'BE' },
    }
    const second = makeInvoice({ party: moved })
    await tenant.put('mv-2', second)
    const again = await tenant.exportIt('mv-2')
    expect(again.statusCode).toBe(201)
    expect(again.json().relation).toEqual({ id: exported.relation.id, code: exported.relation.code, created: false })

    expect(await tenant.accounts()).toHaveLength(accountsAfterFirst.length)
    expect((await tenant.accounts()).filter((a) => a.Name === party.name)).toHaveLength(1)
    expect((await tenant.entryFor(second.number)).Customer).toBe(exported.relation.id)
    expect((await sandboxJson(h, '/_sandbox/stats')).byResource['POST crm/Accounts'] ?? 0).toBe(0)
  })
})
