import { sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeInvoice } from '../helpers/factories'

/**
 * Review M3: Exact does not deduplicate accounts by name, so a create whose answer was lost must be
 * found again before the party is created a second time. The sandbox commits the account and drops
 * the answer (timeoutAfterCommitRate), as Exact behind a timing-out proxy would.
 */
describe('account creation after a lost answer', () => {
  let h: Harness
  let tenant: TenantApi
  const accountPosts = async () =>
    (await sandboxJson<{ byResource: Record<string, number> }>(h, '/_sandbox/stats')).byResource['POST crm/Accounts'] ??
    0

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Acme')
  })
  afterAll(async () => {
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    await h.close()
  })

  it.each([
    ['known by its name alone', { id: 'p-name-only', name: 'Bakkerij Janssens' }],
    ['with a code', { id: 'p-coded', code: 'C9001', name: 'Slagerij Peeters' }],
  ])('a party %s: one account in Exact, and the entry books on it', async (_label, party) => {
    const invoice = makeInvoice({ party })
    expect((await tenant.put(party.id, invoice)).statusCode).toBe(201)
    const postsBefore = await accountPosts()
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 1, latencyMs: 0, seed: 3 },
    })
    const lost = await tenant.exportIt(party.id)
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { errorRate: 0, timeoutAfterCommitRate: 0, latencyMs: 0 },
    })
    expect(lost.statusCode).toBe(503)
    // The account was written although its answer never came.
    expect(await accountPosts()).toBe(postsBefore + 1)
    expect((await tenant.accounts()).filter((a) => a.Name === party.name)).toHaveLength(1)

    const again = await tenant.exportIt(party.id)
    expect([200, 201]).toContain(again.statusCode)
    const accounts = (await tenant.accounts()).filter((a) => a.Name === party.name)
    expect(accounts).toHaveLength(1)
    expect((await tenant.entryFor(invoice.number)).Customer).toBe(accounts[0].ID)
    expect(again.json().relation.id).toBe(accounts[0].ID)
  })
})
