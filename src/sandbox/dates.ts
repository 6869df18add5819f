const DAY_MS = 86_400_000

const amsterdam = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

const HOUR_MS = 3_600_000
/** Amsterdam's UTC offset per UTC hour (DST switches on whole UTC hours), since Intl is slow per row. */
const offsetByHour = new Map<number, number>()

function offsetAt(instantMs: number): number {
  const hour = Math.floor(instantMs / HOUR_MS)
  let offset = offsetByHour.get(hour)
  if (offset === undefined) {
    const probe = hour * HOUR_MS
    const parts: Record<string, number> = {}
    for (const p of amsterdam.formatToParts(new Date(probe))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value)
    }
    offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - probe
    offsetByHour.set(hour, offset)
  }
  return offset
}

/** Exact writes Amsterdam wall-clock time as if it were UTC (exact-online.md §4.3). */
export function amsterdamWallClock(instantMs: number): number {
  return instantMs + offsetAt(instantMs)
}

export function amsterdamOffsetSeconds(instantMs: number): number {
  return Math.round((amsterdamWallClock(instantMs) - instantMs) / 1000)
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS
}

export function endOfMonthPlus(ms: number, months: number): number {
  const d = new Date(ms)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months + 1, 0)
}

/** Wire form of a date: `/Date(ms)/`. */
export function toWireDate(ms: number): string {
  return `/Date(${ms})/`
}

export function toIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/**
 * Parses a date a client sent: ISO date, ISO date-time with or without zone, or `/Date(ms)/`.
 * Returns the calendar day as UTC midnight (date-only fields) or null when unparseable.
 */
export function parseInputDay(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const wire = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value)
  if (wire) return startOfDay(Number(wire[1]))
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value)
  if (!m) return null
  const [, y, mo, d, , , , zone] = m
  if (zone) {
    const instant = Date.parse(value)
    if (Number.isNaN(instant)) return null
    return startOfDay(amsterdamWallClock(instant))
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d))
  return Number.isNaN(ms) ? null : ms
}

/** A `datetime'…'` filter literal, read as wall-clock time like Exact's stored values. */
export function parseFilterDateTime(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?Z?$/.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac] = m
  return Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    frac ? Number(frac.padEnd(3, '0')) : 0,
  )
}
