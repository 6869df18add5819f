import { Agent, request } from 'undici'
import type { Entry } from '../../src/domain/entry'
import { addAccountRoles, createAccount, findAccounts } from '../../src/exact/accounts'
import { ExactClient } from '../../src/exact/client'
import { createEntry, deleteEntry, findEntryByMarker } from '../../src/exact/entries'
import { ExactAuthError, ExactRefusedError } from '../../src/exact/errors'
import { getCurrentDivision } from '../../src/exact/me'
import { buildAuthorizeUrl, exchangeCode, refreshTokens, type TokenSet } from '../../src/exact/oauth'
import { factsFromTerms } from '../../src/domain/payment-status'
import { readOpenItem, syncTermRows, type SyncedTerm } from '../../src/exact/payments'
import { RateLimiterRegistry } from '../../src/exact/rate-limiter'
import { fetchChart } from '../../src/exact/reference-data'
import type { TokenSource } from '../../src/exact/tokens'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server'

/** The connector's resource functions against the real sandbox over HTTP: OAuth, chart, relations, entries, open items. */

const CLIENT = { clientId: 'exact-bridge-test', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:1/callback' }
const logger = { debug: () => {}, warn: () => {} }
let sb: RunningSandbox
const agent = new Agent({ keepAliveTimeout: 500 })

async function control<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const res = await request(`${sb.url}${path}`, {
    method,
    dispatcher: agent,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.body.text()
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`)
  return JSON.parse(text) as T
}

/** The test's TokenSource: keeps the pair in memory (the service keeps it in Postgres under a row lock). */
function memoryTokens(initial: TokenSet): TokenSource & { set: TokenSet } {
  const source = {
    set: initial,
    getAccessToken: async () => source.set.accessToken,
    onUnauthorized: async () => {
      source.set = await refreshTokens({
        baseUrl: sb.url,
        ...CLIENT,
        refreshToken: source.set.refreshToken,
        dispatcher: agent,
      })
      return source.set.accessToken
    },
  }
  return source
}

async function authorize(): Promise<TokenSet> {
  const res = await request(
    buildAuthorizeUrl({ baseUrl: sb.url, clientId: CLIENT.clientId, redirectUri: CLIENT.redirectUri, state: 'st-1' }),
    { dispatcher: agent },
  )
  await res.body.dump()
  expect(res.statusCode).toBe(302)
  const location = new URL(String(res.headers.location))
  expect(location.searchParams.get('state')).toBe('st-1')
  return exchangeCode({ baseUrl: sb.url, ...CLIENT, code: location.searchParams.get('code')!, dispatcher: agent })
}

function clientFor(tokens: TokenSource, division: number | null, limiter = new RateLimiterRegistry()) {
  return new ExactClient({ baseUrl: sb.url, division, tokens, limiter, logger, dispatcher: agent })
}

function makeEntry(overrides: Partial<Entry> = {}): Entry {
  return {
    type: 'sales',
    journal: '70',
    entryDate: '2026-03-02',
    currency: 'EUR',
    description: 'Invoice 2026-0042',
    yourRef: '2026-0042',
    marker: 'xb-3F7K9Q2M',
    paymentConditionCode: '30',
    lines: [
      {
        glAccount: '8000',
        description: 'Consultancy',
        amount: '1000.10',
        vatCode: '2',
        vatAmount: '210.02',
        vatBaseAmount: '1000.10',
      },
      {
        glAccount: '8000',
        description: 'Travel',
        amount: '0.10',
        vatCode: '2',
        vatAmount: '0.02',
        vatBaseAmount: '0.10',
      },
    ],
    total: '1210.24',
    vatTotal: '210.04',
    ...overrides,
  }
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, host: '127.0.0.1', clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret })
})
afterAll(async () => {
  await agent.close()
  await sb.close()
})

describe('Exact connector against the sandbox', () => {
  let tokens: TokenSource & { set: TokenSet }
  let exact: ExactClient
  let division: number

  beforeAll(async () => {
    tokens = memoryTokens(await authorize())
    division = (await getCurrentDivision(clientFor(tokens, null))).division
    exact = clientFor(tokens, division)
  })

  it('reads the seeded chart in our vocabulary', async () => {
    const chart = await fetchChart(exact)
    expect(chart.journals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: '70', type: 20 }),
        expect.objectContaining({ code: '60', type: 22 }),
      ]),
    )
    expect(chart.glAccounts.find((g) => g.code === '8000')).toMatchObject({
      type: 110,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    expect(chart.vatCodes.find((v) => v.code === '2')).toMatchObject({ percentage: '21', transactionType: 'S' })
    expect(chart.paymentConditions.find((p) => p.code === '32')).toMatchObject({
      paymentDays: 30,
      discountType: 'B',
      discountPercentage: '2',
      discountDays: 8,
    })
    expect(chart.paymentConditions.find((p) => p.code === '33')).toMatchObject({
      discountType: 'K',
      discountPercentage: '2',
    })
  })

  it('creates an account and finds it by padded code and by VAT number; adds the supplier role', async () => {
    const created = await createAccount(
      exact,
      {
        code: '255',
        name: "O'Brien BV",
        vatNumber: 'NL123456789B01',
        email: 'ap@obrien.example',
        address: { line1: 'Dam 1', postcode: '1012 JS', city: 'Amsterdam', country: 'NL' },
      },
      { customer: true, supplier: false },
    )
    expect(created).toMatchObject({ code: '255', name: "O'Brien BV", isCustomer: true, isSupplier: false })
    expect(await findAccounts(exact, { codes: ['255'] })).toEqual([created])
    expect((await findAccounts(exact, { vatNumbers: ['NL123456789B01'] })).map((a) => a.id)).toEqual([created.id])
    expect((await findAccounts(exact, { name: "O'Brien BV", postcode: '1012 JS' })).map((a) => a.id)).toEqual([
      created.id,
    ])
    expect(await findAccounts(exact, { codes: ['256'] })).toEqual([])

    await addAccountRoles(exact, created.id, { supplier: true })
    expect((await findAccounts(exact, { ids: [created.id] }))[0]).toMatchObject({ isCustomer: true, isSupplier: true })
    const inSandbox = await control<{ ID: string; Code: string }[]>('GET', `/_sandbox/divisions/${division}/accounts`)
    expect(inSandbox.filter((a) => a.Code.trim() === '255')).toHaveLength(1)
  })

  it('books an entry, finds it again by marker, reads its open item, deletes it', async () => {
    const [customer] = await findAccounts(exact, { codes: ['255'] })
    const entry = makeEntry()
    const booked = await createEntry(exact, entry, customer!.id, await fetchChart(exact))
    expect(booked).toMatchObject({ entryNumber: expect.any(Number), total: entry.total, vatTotal: entry.vatTotal })
    expect(booked.description).toBe('xb-3F7K9Q2M Invoice 2026-0042')

    expect(await findEntryByMarker(exact, 'sales', '2026-0042', 'xb-3F7K9Q2M')).toEqual(booked)
    expect(await findEntryByMarker(exact, 'sales', '2026-0042', 'xb-OTHER')).toBeNull()
    expect(await findEntryByMarker(exact, 'purchase', '2026-0042', 'xb-3F7K9Q2M')).toBeNull()

    const ledger = await control<{ EntryID: string; YourRef: string; Description: string; deleted: boolean }[]>(
      'GET',
      `/_sandbox/divisions/${division}/entries`,
    )
    expect(ledger).toEqual([
      expect.objectContaining({
        EntryID: booked.entryId,
        YourRef: '2026-0042',
        Description: booked.description,
        deleted: false,
      }),
    ])

    const item = await readOpenItem(exact, 'sales', {
      entryId: booked.entryId,
      entryNumber: booked.entryNumber,
      journal: '70',
    })
    expect(item).toMatchObject({ currency: 'EUR', calls: 1 })
    expect(factsFromTerms(item!.terms, { bookedTotal: entry.total })).toEqual({
      amount: '1210.24',
      outstanding: '1210.24',
      discount: '0.00',
      matched: false,
      lastPaymentDate: null,
    })
    const terms: SyncedTerm[] = []
    for await (const page of syncTermRows(exact.withPriority('background'), '1')) terms.push(...page.items)
    expect(terms).toEqual([
      expect.objectContaining({
        entryId: booked.entryId.toLowerCase(),
        termId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        amount: '1210.24',
        total: '1210.24',
        matched: false,
      }),
    ])

    expect(await deleteEntry(exact, 'sales', booked.entryId)).toBe('deleted')
    const after = await control<{ EntryID: string; deleted: boolean }[]>(
      'GET',
      `/_sandbox/divisions/${division}/entries`,
    )
    expect(after.find((e) => e.EntryID === booked.entryId)?.deleted).toBe(true)
    expect(await deleteEntry(exact, 'sales', booked.entryId)).toBe('maybe_gone')
    expect(await findEntryByMarker(exact, 'sales', '2026-0042', 'xb-3F7K9Q2M')).toBeNull()
  })

  it('partial then full payment shows in the open item; a paid entry cannot be deleted (a refusal)', async () => {
    const [customer] = await findAccounts(exact, { codes: ['255'] })
    const booked = await createEntry(
      exact,
      makeEntry({ yourRef: '2026-0043', marker: 'xb-PAID0001' }),
      customer!.id,
      await fetchChart(exact),
    )
    const ref = { entryId: booked.entryId, entryNumber: booked.entryNumber, journal: '70' }
    const read = async () => {
      const item = await readOpenItem(exact, 'sales', ref)
      return { ...factsFromTerms(item!.terms, { bookedTotal: '1210.24' }), calls: item!.calls }
    }
    await control('POST', `/_sandbox/divisions/${division}/payments`, {
      entryNumber: booked.entryNumber,
      amount: '500.00',
      date: '2026-03-04',
    })
    // The part-paid term is split: its open remainder says what is left, no outstanding-items list needed.
    expect(await read()).toEqual({
      amount: '1210.24',
      outstanding: '710.24',
      discount: '0.00',
      matched: false,
      lastPaymentDate: '2026-03-04',
      calls: 1,
    })
    await control('POST', `/_sandbox/divisions/${division}/payments`, {
      entryNumber: booked.entryNumber,
      amount: '710.24',
      date: '2026-03-05',
    })
    expect(await read()).toEqual({
      amount: '1210.24',
      outstanding: '0.00',
      discount: '0.00',
      matched: true,
      lastPaymentDate: '2026-03-05',
      calls: 1,
    })
    const err = await deleteEntry(exact, 'sales', booked.entryId).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExactRefusedError)
    expect((err as ExactRefusedError).exactMessage).not.toBe('')
  })

  it('token rotation: too early within 570 s, fine after, the old refresh token is dead', async () => {
    const old = tokens.set
    await expect(
      refreshTokens({ baseUrl: sb.url, ...CLIENT, refreshToken: old.refreshToken, dispatcher: agent }),
    ).rejects.toMatchObject({ constructor: ExactAuthError, kind: 'too_early' })
    await control('POST', '/_sandbox/clock', { advanceMs: 571_000 })
    tokens.set = await refreshTokens({ baseUrl: sb.url, ...CLIENT, refreshToken: old.refreshToken, dispatcher: agent })
    await control('POST', '/_sandbox/clock', { advanceMs: 571_000 })
    await expect(
      refreshTokens({ baseUrl: sb.url, ...CLIENT, refreshToken: old.refreshToken, dispatcher: agent }),
    ).rejects.toMatchObject({ constructor: ExactAuthError, kind: 'refresh_token_dead' })
    expect((await getCurrentDivision(exact)).division).toBe(division)
  })

  it('an expired access token is refreshed once through the TokenSource on 401', async () => {
    await control('POST', '/_sandbox/clock', { advanceMs: 601_000 })
    const before = tokens.set.accessToken
    expect((await findAccounts(exact, { codes: ['255'] })).length).toBe(1)
    expect(tokens.set.accessToken).not.toBe(before)
  })
})

describe('rate limits against the sandbox', () => {
  it('waits out a 429 caused by another process and goes on', async () => {
    await control('PUT', '/_sandbox/limits', { perMinute: 2 })
    await control('POST', '/_sandbox/stats/reset')
    const tokens = memoryTokens(await authorize())
    const division = (await getCurrentDivision(clientFor(tokens, null))).division
    const otherLimits = new RateLimiterRegistry()
    const other = new ExactClient({
      baseUrl: sb.url,
      division,
      tokens,
      limiter: otherLimits,
      logger,
      dispatcher: agent,
    })
    const waits: number[] = []
    const mine = clientFor(tokens, division, new RateLimiterRegistry({ onWait: (e) => waits.push(e.waitMs) }))
    // Another process spends this minute's budget.
    do await other.list('financial/Journals', { $select: 'Code' })
    while (otherLimits.forDivision(sb.url, division).state().minutelyRemaining !== 0)
    const started = Date.now()
    expect(await findAccounts(mine, { codes: ['1'] })).toEqual([])
    expect(await findAccounts(mine, { codes: ['2'] })).toEqual([])
    const stats = await control<{ rateLimited: number }>('GET', '/_sandbox/stats')
    expect(stats.rateLimited).toBeGreaterThanOrEqual(1)
    expect(Date.now() - started).toBeLessThan(62_000)
    expect(waits).toHaveLength(1)
    await control('PUT', '/_sandbox/limits', { perMinute: 60 })
  }, 100_000)
})
