import { startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'
import { waitUntil } from '../helpers/wait'
import { startBulkWorker } from '../../src/jobs/bulk-worker'
import { createLogger } from '../../src/logger'

describe('duplicate invoice number guard', () => {
  let h: Harness
  let tenant: TenantApi

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h.close())

  it('a second sales invoice with a booked number: 409 naming the other invoice, nothing booked; allowDuplicateNumber books it', async () => {
    const first = makeInvoice({ number: 'DUP-1' })
    expect((await tenant.call('POST', '/invoices/dup-a/export', first)).statusCode).toBe(201)
    const second = makeInvoice({ number: 'DUP-1' })
    const refused = await tenant.call('POST', '/invoices/dup-b/export', second)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('duplicate_invoice_number')
    expect(refused.json().details.invoiceId).toBe('dup-a')
    expect((await tenant.entries()).filter((e) => e.YourRef === 'DUP-1' && !e.deleted)).toHaveLength(1)

    const allowed = await tenant.exportIt('dup-b', '?allowDuplicateNumber=true')
    expect(allowed.statusCode).toBe(201)
    expect((await tenant.entries()).filter((e) => e.YourRef === 'DUP-1' && !e.deleted)).toHaveLength(2)
  })

  it('purchase invoices: the same number from another supplier is booked, from the same supplier refused', async () => {
    const a = makeInvoice({ type: 'purchase', number: 'P-77' })
    const b = makeInvoice({ type: 'purchase', number: 'P-77' })
    expect((await tenant.call('POST', '/invoices/p-a/export', a)).statusCode).toBe(201)
    expect((await tenant.call('POST', '/invoices/p-b/export', b)).statusCode).toBe(201)
    const again = await tenant.call(
      'POST',
      '/invoices/p-c/export',
      makeInvoice({ type: 'purchase', number: 'P-77', party: a.party }),
    )
    expect(again.statusCode).toBe(409)
    expect(again.json().details.invoiceId).toBe('p-a')
  })

  it('an undone export frees its number', async () => {
    const first = (await tenant.call('POST', '/invoices/u-a/export', makeInvoice({ number: 'U-1' }))).json()
    expect((await tenant.call('DELETE', `/exports/${first.id}`)).statusCode).toBe(200)
    expect((await tenant.call('POST', '/invoices/u-b/export', makeInvoice({ number: 'U-1' }))).statusCode).toBe(201)
  })

  it('10 invoices with one number exported at once: one booked, nine 409', async () => {
    const party = makeInvoice().party
    for (let i = 0; i < 10; i++)
      expect((await tenant.put(`race-${i}`, makeInvoice({ party, number: 'RACE-1' }))).statusCode).toBe(201)
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => tenant.exportIt(`race-${i}`)))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, ...Array(9).fill(409)])
    const winner = answers.findIndex((a) => a.statusCode === 201)
    for (const a of answers.filter((x) => x.statusCode === 409)) {
      expect(a.json().code).toBe('duplicate_invoice_number')
      expect(a.json().details.invoiceId).toBe(`race-${winner}`)
    }
    expect((await tenant.entries()).filter((e) => e.YourRef === 'RACE-1' && !e.deleted)).toHaveLength(1)
  })

  it('a bulk job fails the item that hits it with that reason', async () => {
    const bulkTenant = await connectedTenant(h, 'Bulk BV')
    expect((await bulkTenant.call('POST', '/invoices/b-1/export', makeInvoice({ number: 'B-1' }))).statusCode).toBe(201)
    expect((await bulkTenant.put('b-2', makeInvoice({ number: 'B-1' }))).statusCode).toBe(201)
    expect((await bulkTenant.put('b-3', makeInvoice({ number: 'B-3' }))).statusCode).toBe(201)
    const job = (await bulkTenant.call('POST', '/exports/bulk', { type: 'all' })).json()
    const worker = startBulkWorker({ bulk: h.services.bulk, logger: createLogger('silent'), pollMs: 100 })
    let status: any
    try {
      await waitUntil(
        async () => {
          status = (await bulkTenant.call('GET', `/exports/bulk/${job.id}`)).json()
          return status.status === 'completed'
        },
        { timeoutMs: 60_000, what: 'the bulk job to complete' },
      )
    } finally {
      await worker.stop()
    }
    expect(status.status).toBe('completed')
    expect(status.exported).toBe(1)
    expect(status.failed).toBe(1)
    expect(status.failures).toEqual([expect.objectContaining({ invoiceId: 'b-2', code: 'duplicate_invoice_number' })])
    expect((await bulkTenant.entries()).filter((e) => e.YourRef === 'B-1' && !e.deleted)).toHaveLength(1)
  })
})
