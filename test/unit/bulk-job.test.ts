import { decideAfterError, MAX_ITEM_ATTEMPTS, retryDelayMs } from '../../src/domain/bulk-job'

describe('what a bulk job does with an invoice whose export failed', () => {
  it.each([
    ['mapping_missing', 1, 'failed'],
    ['exact_rejected', 1, 'failed'],
    ['relation_ambiguous', 1, 'failed'],
    ['invoice_invalid', 1, 'failed'],
    ['export_disabled', 1, 'skipped'],
    ['invoice_changed_since_export', 1, 'skipped'],
    ['exact_unavailable', 1, 'retry'],
    ['exact_unavailable', MAX_ITEM_ATTEMPTS, 'failed'],
    ['export_in_progress', 2, 'retry'],
    ['invoice_changed_during_export', 2, 'retry'],
    ['relation_not_found', 1, 'failed'],
    ['exact_rate_limited', 50, 'retry'],
    ['reauthorize_needed', 50, 'retry'],
  ] as const)('%s on attempt %i -> %s', (code, attempts, kind) => {
    expect(decideAfterError(code, attempts).kind).toBe(kind)
  })

  it('waits out the daily limit without spending an attempt, and backs off outages exponentially', () => {
    expect(decideAfterError('exact_rate_limited', 1, 3_600_000)).toEqual({
      kind: 'retry',
      delayMs: 3_600_000,
      countsAsAttempt: false,
    })
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([15_000, 30_000, 60_000, 120_000, 600_000])
    expect(decideAfterError('exact_unavailable', 2, 1000)).toEqual({
      kind: 'retry',
      delayMs: 30_000,
      countsAsAttempt: true,
    })
  })
})
