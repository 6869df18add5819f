import { slotHistogram, spreadOffsets, stableHash } from '../../src/domain/sync-spread'

const FOUR_HOURS = 4 * 60 * 60 * 1000
const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)

describe('spreadOffsets', () => {
  it('is stable: the same tenant keeps its slot whatever order the ids come in', () => {
    const a = spreadOffsets(ids(50), FOUR_HOURS)
    const b = spreadOffsets(ids(50).reverse(), FOUR_HOURS)
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort())
    expect(stableHash('tenant-a')).toBe(stableHash('tenant-a'))
  })

  it.each([
    [1000, FOUR_HOURS, 5], // 216 usable minutes: ceil(1000 / 216) = 5
    [10, FOUR_HOURS, 1],
    [100, 60 * 60 * 1000, 2], // hourly cron: 54 usable minutes
    [3, 60_000, 3], // a window of one minute holds everyone
  ])('%i tenants over %i ms: no minute holds more than %i', (n, windowMs, share) => {
    const offsets = spreadOffsets(ids(n), windowMs)
    const histogram = slotHistogram(offsets, windowMs)
    expect(Math.max(...histogram)).toBe(share)
    expect(histogram.reduce((a, b) => a + b, 0)).toBe(n)
    for (const offset of offsets.values()) expect(offset).toBeLessThan(Math.max(60_000, windowMs * 0.9))
  })

  it('one tenant starts at the window start', () => {
    expect(spreadOffsets(['only'], FOUR_HOURS).get('only')).toBe(0)
  })
})
