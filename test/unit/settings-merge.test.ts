import type { Settings } from '../../src/domain/settings'
import { applyMergePatch, mergeProposal, stillProposed } from '../../src/domain/settings-merge'

const condition = (code: string) => ({
  id: code,
  exactCode: code,
  discountForCashPercent: '0',
  creditLimitationPercent: '0',
  discountForCashGlAccount: null,
  creditLimitationGlAccount: null,
})

function settings(over: { sales?: Partial<Settings['sales']>; conditions?: string[] } = {}): Settings {
  return {
    sales: { enabled: true, journal: '70', defaultGlAccount: '8000', vatCodes: { '21': '2', '9': '1' }, ...over.sales },
    purchase: { enabled: false, journal: null, defaultGlAccount: null, vatCodes: {} },
    paymentConditions: (over.conditions ?? ['30']).map(condition),
    paymentDiscountBooking: 'payment_condition',
    paymentSync: { enabled: true },
    webhook: null,
  }
}

const ALL = [
  '/sales/journal',
  '/sales/defaultGlAccount',
  '/sales/vatCodes/21',
  '/sales/vatCodes/9',
  '/paymentConditions/0',
]

describe('stillProposed (after a PUT)', () => {
  it('drops exactly the pointers whose value the tenant changed or removed', () => {
    const after = settings({ sales: { defaultGlAccount: '8100', vatCodes: { '21': '2' } } })
    expect(stillProposed(settings(), ALL, after)).toEqual([
      '/sales/journal',
      '/sales/vatCodes/21',
      '/paymentConditions/0',
    ])
  })

  it('ignores key order', () => {
    const reverse = (v: unknown): unknown =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reverse(x)]),
          )
        : Array.isArray(v)
          ? v.map(reverse)
          : v
    const reordered = reverse(settings()) as Settings
    expect(Object.keys(reordered.sales)[0]).toBe('vatCodes')
    expect(stillProposed(settings(), ALL, reordered)).toEqual(ALL)
  })
})

describe('mergeProposal (after a reconnect)', () => {
  const proposal = {
    settings: settings({
      sales: { journal: '71', defaultGlAccount: '8001', vatCodes: { '21': '3', '0': '0' } },
      conditions: ['14', '30'],
    }),
    proposed: [
      '/sales/journal',
      '/sales/defaultGlAccount',
      '/sales/vatCodes/21',
      '/sales/vatCodes/0',
      '/paymentConditions/0',
      '/paymentConditions/1',
    ],
  }

  it('re-proposes untouched guesses, withdraws stale ones, keeps what the tenant set', () => {
    const stored = {
      settings: settings({ sales: { defaultGlAccount: '8100' } }),
      proposedFields: ['/sales/journal', '/sales/vatCodes/21', '/sales/vatCodes/9', '/paymentConditions/0'],
    }
    const merged = mergeProposal(stored, proposal)
    expect(merged.settings.sales).toEqual({
      enabled: true,
      journal: '71',
      defaultGlAccount: '8100',
      vatCodes: { '21': '3', '0': '0' },
    })
    expect(merged.settings.paymentConditions.map((c) => c.exactCode)).toEqual(['14', '30'])
    expect(merged.proposed.sort()).toEqual([...proposal.proposed.filter((p) => p !== '/sales/defaultGlAccount')].sort())
  })

  it('fills a null the tenant left, and keeps payment conditions the tenant changed', () => {
    const stored = {
      settings: settings({ sales: { journal: null }, conditions: ['30', '99'] }),
      proposedFields: ['/paymentConditions/0'],
    }
    const merged = mergeProposal(stored, proposal)
    expect(merged.settings.sales.journal).toBe('71')
    expect(merged.settings.sales.vatCodes).toEqual({ '21': '2', '9': '1', '0': '0' })
    expect(merged.settings.paymentConditions.map((c) => c.exactCode)).toEqual(['30', '99'])
    expect(merged.proposed).toEqual(
      expect.arrayContaining(['/sales/journal', '/sales/vatCodes/0', '/paymentConditions/0']),
    )
    expect(merged.proposed).not.toContain('/paymentConditions/1')
  })

  it('never touches the switches the tenant owns', () => {
    const stored = {
      settings: {
        ...settings(),
        paymentSync: { enabled: false },
        webhook: { url: 'https://a.example', secret: 'whsec_abc=' },
      },
      proposedFields: ALL,
    }
    const merged = mergeProposal(stored, proposal)
    expect(merged.settings.paymentSync).toEqual({ enabled: false })
    expect(merged.settings.webhook).toEqual({ url: 'https://a.example', secret: 'whsec_abc=' })
  })
})

describe('applyMergePatch (RFC 7396)', () => {
  // The RFC's own examples (appendix A).
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    const before = structuredClone(target)
    expect(applyMergePatch(target, patch)).toEqual(result)
    expect(target).toEqual(before)
  })
})
