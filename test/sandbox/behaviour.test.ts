import { connect, tokenRequest, useSandbox } from './sandbox-client'

describe('sandbox behaviour settings for unconfirmed Exact behaviour', () => {
  const sb = useSandbox()

  it('can answer a superseded refresh token with 400 instead of 401', async () => {
    await sb.control('PUT', '/behaviour', { oldRefreshTokenStatus: 400 })
    const s = await connect(sb.url)
    const old = s.refreshToken
    await sb.control('POST', '/clock', { advanceMs: 571_000 })
    await s.refresh()
    await sb.control('POST', '/clock', { advanceMs: 571_000 })
    const answer = await tokenRequest(sb.url, { grant_type: 'refresh_token', refresh_token: old })
    expect(answer.status).toBe(400)
    expect(answer.body.error_description).toBe('Old refresh token used.')
  })

  it('can block with 403 after a lower error limit, and add Retry-After to rate-limit 429s', async () => {
    await sb.control('PUT', '/behaviour', { errorBlockStatus: 403, errorLimit: 2, retryAfterOn429: true })
    await sb.control('PUT', '/limits', { perMinute: 5 })
    const s = await connect(sb.url)
    for (let i = 0; i < 3; i += 1) await s.api('GET', 'crm/Accounts')
    const blocked = await s.api('GET', "crm/Accounts?$filter=Name eq 'x'")
    expect(blocked.status).toBe(403)
    expect(blocked.headers.get('reason')).toBe('ErrorLimitExceeded')
    await s.api('GET', 'financial/Journals')
    const limited = await s.api('GET', 'financial/Journals')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('55')
  })

  it('lists every setting with its default, refuses a bad value or an unknown key naming it, and applies nothing then', async () => {
    expect((await sb.control('GET', '/behaviour')).body).toEqual({
      errorBlockStatus: 429,
      errorLimit: 10,
      oldRefreshTokenStatus: 401,
      retryAfterOn429: false,
      mandatoryFiltering: true,
      discountPercentScale: 'fraction',
      discountOnOpenItem: 'offered',
      entryDescriptionFilter: 'supported',
      receivablesListFilter: 'supported',
      deletedEntryStatus: 403,
      postAnswerTotals: 'computed',
      deleteRefusal: 'none',
      creditNoteType: 'derived',
      yourRefMaxLength: 30,
      yourRefOverflow: 'truncate',
      webhookDelivery: 'normal',
      webhookRetries: 3,
      webhookRetryDelayMs: 200,
      webhookSlashes: 'plain',
      paymentEvents: 'payment_entry',
      documentOnEntryDelete: 'kept',
      attachmentMaxBytes: 0,
      attachmentTooLarge: 'refusal',
    })
    const cases: Array<[object, RegExp]> = [
      [{ discountPercentScale: 'percent', deletedEntryStatus: 410 }, /^deletedEntryStatus must be one of 404, 403\.$/],
      [{ yourRefMaxLength: -1 }, /^yourRefMaxLength must be a non-negative integer\.$/],
      [{ deleteRefusal: 'closed' }, /^deleteRefusal must be one of "none", "period_closed", "vat_return_processed"\.$/],
      [{ discountOnOpenItem: true }, /^discountOnOpenItem/],
      [{ creditNotes: 'entry' }, /^creditNotes is not a behaviour setting\.$/],
    ]
    for (const [body, text] of cases) {
      const answer = await sb.control('PUT', '/behaviour', body)
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_behaviour'])
      expect(answer.body.message).toMatch(text)
    }
    expect((await sb.control('GET', '/behaviour')).body.discountPercentScale).toBe('fraction')
    const changed = await sb.control('PUT', '/behaviour', { creditNoteType: 'entry', yourRefMaxLength: 0 })
    expect(changed.body).toMatchObject({ creditNoteType: 'entry', yourRefMaxLength: 0, deletedEntryStatus: 403 })
  })

  it('can switch mandatory filtering off, and reset restores the defaults', async () => {
    await sb.control('PUT', '/behaviour', { mandatoryFiltering: false })
    const s = await connect(sb.url)
    expect((await s.api('GET', 'crm/Accounts')).status).toBe(200)
    await sb.control('PUT', '/behaviour', {
      deletedEntryStatus: 404,
      discountOnOpenItem: 'taken',
      yourRefOverflow: 'refuse',
    })
    await sb.control('POST', '/reset')
    expect((await s.api('GET', 'crm/Accounts')).status).toBe(400)
    expect((await sb.control('GET', '/behaviour')).body).toMatchObject({
      deletedEntryStatus: 403,
      discountOnOpenItem: 'offered',
      yourRefOverflow: 'truncate',
    })
    expect((await sb.control('PUT', '/behaviour', { errorLimit: -1 })).status).toBe(400)
  })
})
