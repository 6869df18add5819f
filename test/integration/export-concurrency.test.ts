import { makeInvoice } from '../helpers/factories'
import { api } from '../helpers/bulk-fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'

/**
 * An invoicing app that double-fires: 30 first exports of one new invoice at once, the invoice in
 * each body, over real sockets. The invoice is stored once, booked once; one caller gets 201 and
 * the others 200 with that same export, and nobody a 5xx.
 */
describe('concurrent first exports', () => {
  let h: Harness
  let tenant: TenantApi

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => h?.close())

  it.each([1, 2, 3])(
    '30 parallel POST /invoices/X/export with the invoice in the body (round %i): one 201, 29 x 200, one entry',
    async (round) => {
      const id = `race-${round}`
      const invoice = makeInvoice()
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => api(h.url, tenant.apiKey, 'POST', `/invoices/${id}/export`, invoice)),
      )

      const statuses = answers.map((a) => a.status).sort()
      expect(answers.filter((a) => a.status >= 500).map((a) => a.body)).toEqual([])
      expect(statuses).toEqual([...Array(29).fill(200), 201].sort())
      const created = answers.find((a) => a.status === 201)!.body
      for (const a of answers)
        expect(a.body).toMatchObject({ id: created.id, status: 'exported', entryNumber: created.entryNumber })

      const live = (await tenant.entries()).filter((e) => e.YourRef === invoice.number && !e.deleted)
      expect(live.map((e) => e.EntryNumber)).toEqual([created.entryNumber])
      const row = await h.database.db
        .selectFrom('invoices')
        .select(['version'])
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(row.version).toBe(1)
      const exports = await h.database.db
        .selectFrom('exports')
        .select(['id', 'status'])
        .where('tenant_id', '=', tenant.id)
        .where('invoice_id', '=', id)
        .execute()
      expect(exports).toEqual([{ id: created.id, status: 'exported' }])
    },
  )
})
