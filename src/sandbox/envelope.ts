import { Big } from './decimal'
import { toWireDate } from './dates'
import type { ResourceDef, Row } from './resources/types'

export interface WireOptions {
  baseUrl: string
  division: number | null
  select: string[] | null
  /** Expanded navigation names mapped to their child rows and child definition. */
  expanded: Map<string, { def: ResourceDef; rows: (parent: Row) => Row[]; select: string[] | null }>
}

export function wireValue(value: unknown): unknown {
  if (value instanceof Date) return toWireDate(value.getTime())
  if (value instanceof Big) return Number(value.toString())
  return value === undefined ? null : value
}

export function entityUri(def: ResourceDef, baseUrl: string, division: number | null, key: unknown): string {
  const prefix = division === null ? `${baseUrl}/api/v1` : `${baseUrl}/api/v1/${division}`
  const keyText = def.keyKind === 'guid' ? `guid'${String(key)}'` : String(key)
  return `${prefix}/${def.path}(${keyText})`
}

/** An entity in Exact's JSON shape: `__metadata` first, selected fields, lines deferred unless expanded. */
export function toWire(def: ResourceDef, row: Row, opts: WireOptions): Record<string, unknown> {
  const uri = entityUri(def, opts.baseUrl, opts.division, row[def.key])
  const out: Record<string, unknown> = { __metadata: { uri, type: `Exact.Web.Api.Models.${def.type}` } }
  const fields = opts.select ?? [...def.fields, ...Object.keys(def.navigation ?? {})]
  for (const field of fields) {
    const nav = def.navigation?.[field]
    if (!nav) {
      out[field] = wireValue(row[field])
      continue
    }
    const expansion = opts.expanded.get(field)
    if (expansion) {
      const childOpts: WireOptions = { ...opts, select: expansion.select, expanded: new Map() }
      out[field] = { results: expansion.rows(row).map((child) => toWire(expansion.def, child, childOpts)) }
    } else {
      out[field] = { __deferred: { uri: `${uri}/${field}` } }
    }
  }
  return out
}

/** Control-API form: plain JSON, dates ISO (date-only as YYYY-MM-DD), amounts as decimal strings. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Big) return value.toFixed(Math.max(2, (value.toString().split('.')[1] ?? '').length))
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
  }
  if (Array.isArray(value)) return value.map(toPlain)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '__seq')
        .map(([k, v]) => [k, toPlain(v)]),
    )
  }
  return value
}
