import { paymentSyncSchedule } from '../../src/jobs/cron'

const at = (iso: string) => new Date(iso)
const ids = Array.from({ length: 10 }, (_, i) => `tenant-${i}`)

describe('PaymentSyncSchedule', () => {
  const every4h = paymentSyncSchedule('0 */4 * * *')

  it.each([
    ['2026-11-26T05:17:30Z', '2026-11-26T04:00:00.000Z', '2026-11-26T08:00:00.000Z'],
    ['2026-11-26T04:00:00Z', '2026-11-26T04:00:00.000Z', '2026-11-26T08:00:00.000Z'],
    ['2026-11-26T23:59:59Z', '2026-11-26T20:00:00.000Z', '2026-11-27T00:00:00.000Z'],
  ])('at %s the window is %s .. %s', (now, start, end) => {
    const w = every4h.window(at(now))
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([start, end])
  })

  it('an irregular cron gets windows of its own length', () => {
    const w = paymentSyncSchedule('0 9,17 * * *').window(at('2026-11-26T12:00:00Z'))
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T17:00:00.000Z',
    ])
  })

  it('every tenant is due once inside the window, on a minute, before the last tenth', () => {
    const due = every4h.dueTimes(ids, at('2026-11-26T05:00:00Z'))
    for (const d of due.values()) {
      expect(d.getTime()).toBeGreaterThanOrEqual(at('2026-11-26T04:00:00Z').getTime())
      expect(d.getTime()).toBeLessThan(at('2026-11-26T07:36:00Z').getTime())
      expect(d.getTime() % 60_000).toBe(0)
    }
  })

  it("next run: this window's slot if not run since it, else the next window's slot", () => {
    const now = at('2026-11-26T04:00:30Z')
    const slot = every4h.dueTimes(ids, now).get('tenant-3')!
    const next = every4h.nextRunFor('tenant-3', ids, null, now)
    expect(next.getTime()).toBe(Math.max(slot.getTime(), at('2026-11-26T04:01:00Z').getTime()))
    const afterRun = every4h.nextRunFor(
      'tenant-3',
      ids,
      new Date(slot.getTime() + 1000),
      new Date(slot.getTime() + 2000),
    )
    expect(afterRun.getTime()).toBe(slot.getTime() + 4 * 3_600_000)
  })

  it('refuses a bad cron expression at start', () => {
    expect(() => paymentSyncSchedule('every four hours')).toThrow(/not a cron expression/)
  })
})
