import { AppError } from '../../src/domain/app-error'
import type { Settings } from '../../src/domain/settings'
import { createLogger } from '../../src/logger'
import { SettingsService } from '../../src/services/settings-service'
import { connectTenant, createTenant, startHarness, type Harness } from '../helpers/harness'

let h: Harness

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await h?.close()
})

function client(apiKey: string) {
  const headers = { authorization: `Bearer ${apiKey}` }
  return {
    get: () => h.app.inject({ method: 'GET', url: '/settings', headers }),
    proposal: () => h.app.inject({ method: 'GET', url: '/settings/proposal', headers }),
    put: (payload: unknown, extra: Record<string, string> = {}) =>
      h.app.inject({ method: 'PUT', url: '/settings', headers: { ...headers, ...extra }, payload: payload as object }),
    patch: (patch: unknown, extra: Record<string, string> = {}) =>
      h.app.inject({
        method: 'PATCH',
        url: '/settings',
        headers: { ...headers, 'content-type': 'application/merge-patch+json', ...extra },
        payload: JSON.stringify(patch),
      }),
  }
}

async function connectedTenant(name: string) {
  const tenant = await createTenant(h, name)
  await connectTenant(h, tenant.apiKey)
  return { ...tenant, api: client(tenant.apiKey) }
}

/** The settings as stored, read from the database rather than through the API under test. */
async function storedRow(tenantId: string) {
  return h.database.db.selectFrom('tenant_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
}

describe('settings', () => {
  it('404s with advice before the tenant has connected or PUT any', async () => {
    const tenant = await createTenant(h, 'New BV')
    const res = await client(tenant.apiKey).get()
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json()).toMatchObject({ code: 'not_found', detail: expect.stringMatching(/connect.*PUT \/settings/) })
    // Without a connection the codes cannot be checked, so a PUT is refused rather than stored blind.
    const put = await client(tenant.apiKey).put(minimalSettings())
    expect(put.statusCode).toBe(409)
    expect(put.json().code).toBe('not_connected')
  })

  it('proposes settings from the sandbox chart when the tenant connects', async () => {
    const tenant = await connectedTenant('Proposed BV')
    const res = await tenant.api.get()
    expect(res.statusCode).toBe(200)
    const settings = res.json()
    const { proposed, proposalProblems } = (await tenant.api.proposal()).json()
    expect(settings.sales).toEqual({
      enabled: true,
      journal: '70',
      defaultGlAccount: '8000',
      vatCodes: { '21': '2', '9': '1', '6': '6', '0': '0' },
      creditNoteJournal: '71',
      adjustmentVatCode: '9',
    })
    expect(settings.purchase).toEqual({
      enabled: true,
      journal: '60',
      defaultGlAccount: '7000',
      vatCodes: { '21': '5', '9': '4', '6': '7', '0': '8' },
      creditNoteJournal: '61',
      adjustmentVatCode: '19',
    })
    // 34 is a discount for cash on the amount incl. VAT: left out, and said why.
    expect(settings.paymentConditions.map((c: { exactCode: string }) => c.exactCode)).toEqual(['14', '30', '32', '33'])
    expect(proposalProblems).toEqual([
      expect.objectContaining({ field: '/paymentConditions/34/exactCode', code: 'wrong_discount_calculation' }),
    ])
    expect(settings.paymentConditions.find((c: { exactCode: string }) => c.exactCode === '32')).toMatchObject({
      discountForCashPercent: '2',
      creditLimitationPercent: '0',
    })
    expect(settings.paymentConditions.find((c: { exactCode: string }) => c.exactCode === '33')).toMatchObject({
      creditLimitationPercent: '2',
    })
    expect(settings.webhook).toBeNull()
    expect(proposed).toEqual(
      expect.arrayContaining([
        '/sales/journal',
        '/sales/defaultGlAccount',
        '/purchase/journal',
        '/sales/vatCodes/21',
        '/paymentConditions/0',
      ]),
    )
  })

  it('round-trips a PUT; a changed value is no longer "proposed"', async () => {
    const tenant = await connectedTenant('Round Trip BV')
    const before = (await tenant.api.get()).json()
    const proposedBefore = (await tenant.api.proposal()).json()
    const changed: Settings = {
      ...before,
      purchase: { ...before.purchase, defaultGlAccount: '4000' },
      paymentSync: { enabled: false },
      webhook: { url: 'http://127.0.0.1:9/hooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    }

    const put = await tenant.api.put(changed)
    expect(put.statusCode).toBe(200)
    expect(put.json()).toEqual(changed)
    expect((await tenant.api.get()).json()).toEqual(changed)
    const after = (await tenant.api.proposal()).json()
    expect(after.proposed).not.toContain('/purchase/defaultGlAccount')
    expect(after.proposed).toContain('/sales/defaultGlAccount')
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(proposedBefore.updatedAt))
    expect((await storedRow(tenant.id))?.settings).toEqual(changed)

    // A later proposal (reconnect) keeps what the tenant set and re-proposes the rest.
    await h.services.settings.proposeFromExact(tenant.id)
    expect((await tenant.api.get()).json()).toEqual(changed)
    expect((await tenant.api.proposal()).json().proposed).not.toContain('/purchase/defaultGlAccount')
  })

  it('GET, change one field, PUT it back: the body GET returns is one PUT takes', async () => {
    const tenant = await connectedTenant('Change One BV')
    const got = (await tenant.api.get()).json() as Settings
    expect((await tenant.api.put(got)).statusCode).toBe(200)
    const edited = { ...got, purchase: { ...got.purchase, defaultGlAccount: '4000' } }
    expect((await tenant.api.put(edited)).statusCode).toBe(200)
    expect((await storedRow(tenant.id))?.settings).toEqual(edited)
  })

  it('versions the settings: ETag and Last-Modified on every answer; If-Match with an old ETag is 412 and stores nothing', async () => {
    const tenant = await connectedTenant('Versioned BV')
    const first = await tenant.api.get()
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(new Date(String(first.headers['last-modified'])).getTime()).not.toBeNaN()
    expect(String((await tenant.api.get()).headers.etag)).toBe(etag)

    const changed = { ...first.json(), paymentSync: { enabled: false } }
    const put = await tenant.api.put(changed, { 'if-match': etag })
    expect(put.statusCode).toBe(200)
    const newer = String(put.headers.etag)
    expect(newer).not.toBe(etag)
    expect(String((await tenant.api.get()).headers.etag)).toBe(newer)

    const before = await storedRow(tenant.id)
    const stale = await tenant.api.put(
      { ...changed, paymentDiscountBooking: 'payment_condition' },
      { 'if-match': etag },
    )
    expect([stale.statusCode, stale.json().code, stale.json().field]).toEqual([
      412,
      'precondition_failed',
      'header/if-match',
    ])
    const stalePatch = await tenant.api.patch({ paymentSync: { enabled: true } }, { 'if-match': etag })
    expect([stalePatch.statusCode, stalePatch.json().code]).toEqual([412, 'precondition_failed'])
    expect(await storedRow(tenant.id)).toEqual(before)
    expect((await tenant.api.put(changed, { 'if-match': `W/${newer}, "other", ${newer}` })).statusCode).toBe(200)
    expect((await tenant.api.put(changed, { 'if-match': '*' })).statusCode).toBe(200)
  })

  it('PATCH takes a JSON merge patch: objects merge, null removes a member, arrays replace', async () => {
    const tenant = await connectedTenant('Patched BV')
    const before = (await tenant.api.get()).json() as Settings
    const res = await tenant.api.patch({
      sales: { defaultGlAccount: '8000', vatCodes: { '6': null } },
      purchase: { enabled: false },
      paymentConditions: [before.paymentConditions[1]],
    })
    expect(res.statusCode).toBe(200)
    const { '6': _removed, ...salesVat } = before.sales.vatCodes
    const expected = {
      ...before,
      sales: { ...before.sales, vatCodes: salesVat },
      purchase: { ...before.purchase, enabled: false },
      paymentConditions: [before.paymentConditions[1]],
    }
    expect(res.json()).toEqual(expected)
    expect(String(res.headers.etag)).toBe(String((await tenant.api.get()).headers.etag))
    expect((await storedRow(tenant.id))?.settings).toEqual(expected)
    // The tenant set the conditions: no longer "proposed".
    expect(
      (await tenant.api.proposal()).json().proposed.filter((p: string) => p.startsWith('/paymentConditions')),
    ).toEqual([])
  })

  it('PATCH checks the patched settings exactly as a PUT: 400 naming the field, 422 against the chart, nothing stored', async () => {
    const tenant = await connectedTenant('Patch Check BV')
    const before = await storedRow(tenant.id)

    const shape = await tenant.api.patch({ sales: { journal: 70 }, colour: 'blue' })
    expect(shape.statusCode).toBe(400)
    expect(shape.json()).toMatchObject({ code: 'validation_failed' })
    expect(shape.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body/sales/journal', 'body/colour']),
    )
    const removed = await tenant.api.patch({ paymentSync: null })
    expect([removed.statusCode, removed.json().field, removed.json().detail]).toEqual([
      400,
      'body/paymentSync',
      'body/paymentSync is required',
    ])

    const chart = await tenant.api.patch({ sales: { defaultGlAccount: '8999' } })
    expect([chart.statusCode, chart.json().code, chart.json().field]).toEqual([
      422,
      'settings_invalid',
      '/sales/defaultGlAccount',
    ])

    const json = await h.app.inject({
      method: 'PATCH',
      url: '/settings',
      headers: { authorization: `Bearer ${tenant.apiKey}` },
      payload: { sales: { enabled: false } },
    })
    expect([json.statusCode, json.json().code]).toEqual([415, 'unsupported_media_type'])
    const broken = await tenant.api.patch(undefined, {})
    expect(broken.statusCode).toBe(400)
    expect(await storedRow(tenant.id)).toEqual(before)
  })

  it('PATCH and the proposal 404 before the tenant has settings', async () => {
    const tenant = await createTenant(h, 'Nothing Yet BV')
    expect((await client(tenant.apiKey).patch({ paymentSync: { enabled: true } })).json()).toMatchObject({
      status: 404,
      code: 'not_found',
    })
    expect((await client(tenant.apiKey).proposal()).statusCode).toBe(404)
  })

  it('refuses an unknown GL account with 422 naming the field, and stores nothing', async () => {
    const tenant = await connectedTenant('Typo BV')
    const before = await storedRow(tenant.id)
    const settings = (await tenant.api.get()).json()

    const res = await tenant.api.put({
      ...settings,
      sales: { ...settings.sales, defaultGlAccount: '8999', vatCodes: { ...settings.sales.vatCodes, '21': '99' } },
      paymentConditions: [{ ...settings.paymentConditions[0], exactCode: '77' }],
    })

    expect(res.statusCode).toBe(422)
    const problem = res.json()
    expect(problem.code).toBe('settings_invalid')
    expect(problem.field).toBe('/sales/defaultGlAccount')
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/sales/defaultGlAccount', message: expect.stringContaining('8999') }),
        expect.objectContaining({ field: '/sales/vatCodes/21', message: expect.stringContaining('99') }),
        expect.objectContaining({ field: '/paymentConditions/0/exactCode', message: expect.stringContaining('77') }),
      ]),
    )
    expect(await storedRow(tenant.id)).toEqual(before)
  })

  it('refuses a malformed body with 400 naming the field', async () => {
    const tenant = await connectedTenant('Shape BV')
    const settings = (await tenant.api.get()).json()
    const res = await tenant.api.put({ ...settings, sales: { ...settings.sales, journal: 70 }, colour: 'blue' })
    expect(res.statusCode).toBe(400)
    const fields = res.json().errors.map((e: { field: string }) => e.field)
    expect(fields).toEqual(expect.arrayContaining(['body/sales/journal', 'body/colour']))
  })

  it('in production refuses webhook URLs that are not https or point inside the network', async () => {
    const tenant = await connectedTenant('Prod BV')
    const production = new SettingsService({
      db: h.database.db,
      exact: h.exact,
      logger: createLogger('silent'),
      allowPrivateWebhooks: false,
      lookup: async (host) => (host === 'internal.example' ? ['203.0.113.7', '10.1.2.3'] : ['203.0.113.7']),
    })
    const settings = (await tenant.api.get()).json() as Settings
    const withUrl = (url: string): Settings => ({
      ...settings,
      webhook: { url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    })
    const refusal = (url: string) =>
      production.replace(tenant.id, withUrl(url)).then(
        () => undefined,
        (e: AppError) => e,
      )

    for (const [url, reason] of [
      ['http://hooks.example/x', /https/],
      ['https://127.0.0.1/x', /loopback/],
      ['https://[::1]/x', /loopback/],
      ['https://169.254.169.254/latest', /link-local/],
      ['https://internal.example/x', /10\.1\.2\.3/],
    ] as const) {
      const error = await refusal(url)
      expect(error).toBeInstanceOf(AppError)
      expect(error).toMatchObject({ code: 'settings_invalid', field: '/webhook/url' })
      expect(error?.message).toMatch(reason)
    }
    expect(await refusal('https://hooks.example/x')).toBeUndefined()
    expect((await storedRow(tenant.id))?.settings).toMatchObject({ webhook: { url: 'https://hooks.example/x' } })
  })

  it('get() gives the export service domain Settings, undefined before any', async () => {
    const tenant = await connectedTenant('Reader BV')
    expect((await h.services.settings.get(tenant.id))?.sales.journal).toBe('70')
    const bare = await createTenant(h, 'Bare BV')
    expect(await h.services.settings.get(bare.id)).toBeUndefined()
  })
})

function minimalSettings(): Settings {
  const side = { enabled: false, journal: null, defaultGlAccount: null, vatCodes: {} }
  return {
    sales: side,
    purchase: side,
    paymentConditions: [],
    paymentDiscountBooking: 'payment_condition',
    paymentSync: { enabled: false },
    webhook: null,
  }
}
