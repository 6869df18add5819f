import type { Behaviour } from './behaviour'
import { badRequest, FILTER_NOT_SUPPORTED } from './errors'
import { evaluate, filterFields, parseFilter, type FilterNode } from './odata-filter'
import type { IdFactory } from './ids'
import { pageSizeOf, type ResourceDef, type Row } from './resources/types'

export interface QueryOptions {
  filter: FilterNode | null
  select: string[] | null
  /** Sub-selects per navigation (`SalesEntryLines/AmountFC`). */
  navSelect: Map<string, string[]>
  expand: string[]
  top: number | null
  skip: number
  skiptoken: string | null
  orderby: Array<{ field: string; desc: boolean }>
  inlinecount: boolean
}

function unknownProperty(def: ResourceDef, name: string): Error {
  return badRequest(`Could not find a property named '${name}' on type 'Exact.Web.Api.Models.${def.type}'.`)
}

function nonNegativeInt(name: string, value: string | null): number | null {
  if (value === null) return null
  if (!/^\d+$/.test(value.trim())) throw badRequest(`Invalid value for ${name}: '${value}'.`)
  return Number(value.trim())
}

export function parseQueryOptions(def: ResourceDef, params: URLSearchParams): QueryOptions {
  const filterText = params.get('$filter')
  const filter = filterText && filterText.trim() ? parseFilter(filterText) : null
  if (filter) for (const f of filterFields(filter)) if (!def.fields.includes(f)) throw unknownProperty(def, f)
  const navs = def.navigation ?? {}
  const expand = (params.get('$expand') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const e of expand) if (!(e in navs)) throw unknownProperty(def, e)
  let select: string[] | null = null
  const navSelect = new Map<string, string[]>()
  const selectText = params.get('$select')
  if (selectText !== null && selectText.trim() !== '' && selectText.trim() !== '*') {
    select = []
    for (const item of selectText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [head, sub] = item.split('/', 2)
      if (!def.fields.includes(head) && !(head in navs)) throw unknownProperty(def, head)
      if (!select.includes(head)) select.push(head)
      if (sub) navSelect.set(head, [...(navSelect.get(head) ?? []), sub])
    }
  }
  const orderby = (params.get('$orderby') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [field, dir = 'asc'] = item.split(/\s+/)
      if (!def.fields.includes(field)) throw unknownProperty(def, field)
      if (!/^(asc|desc)$/i.test(dir)) throw badRequest(`Invalid $orderby direction '${dir}'.`)
      return { field, desc: dir.toLowerCase() === 'desc' }
    })
  const inline = params.get('$inlinecount')
  if (inline !== null && inline !== 'allpages' && inline !== 'none')
    throw badRequest(`Invalid $inlinecount '${inline}'.`)
  return {
    filter,
    select,
    navSelect,
    expand,
    orderby,
    top: nonNegativeInt('$top', params.get('$top')),
    skip: nonNegativeInt('$skip', params.get('$skip')) ?? 0,
    skiptoken: params.get('$skiptoken'),
    inlinecount: inline === 'allpages',
  }
}

/**
 * Exact's preconditions: `$select` on sync/bulk, a filter on a listed field where mandatory filtering
 * applies, and no filter on a field the resource refuses.
 */
export function checkPreconditions(
  def: ResourceDef,
  params: URLSearchParams,
  opts: QueryOptions,
  behaviour: Behaviour,
): void {
  if ((def.kind === 'sync' || def.kind === 'bulk') && !(params.get('$select') ?? '').trim()) {
    throw badRequest('Please add a $select or a $top=1 statement to the query string.')
  }
  const used = opts.filter ? filterFields(opts.filter) : new Set<string>()
  const refused = def.refusedFilter?.(behaviour) ?? []
  if ([...used].some((f) => refused.includes(f))) throw badRequest(FILTER_NOT_SUPPORTED)
  if (def.mandatoryFilter && behaviour.mandatoryFiltering) {
    if (![...used].some((f) => def.mandatoryFilter?.includes(f))) {
      throw badRequest(
        'This endpoint has mandatory filtering applied. A GET request for this endpoint must have a ' +
          `$filter parameter with one of the following fields in the url:${def.mandatoryFilter.join(',')}.`,
      )
    }
  }
}

function compareValues(a: unknown, b: unknown): number {
  const norm = (v: unknown): number | string | null =>
    v === null || v === undefined
      ? null
      : v instanceof Date
        ? v.getTime()
        : typeof v === 'number' || typeof v === 'string'
          ? typeof v === 'string'
            ? v.toLowerCase()
            : v
          : typeof v === 'boolean'
            ? Number(v)
            : Number(String(v))
  const x = norm(a)
  const y = norm(b)
  if (x === y) return 0
  if (x === null) return -1
  if (y === null) return 1
  return x < y ? -1 : 1
}

export interface Page {
  rows: Row[]
  count: number
  next: URLSearchParams | null
}

/** Filter, order, page. `__next` keeps the client's options and adds `$skiptoken` (or `$skip` with $orderby). */
export function runQuery(
  def: ResourceDef,
  all: Row[],
  opts: QueryOptions,
  params: URLSearchParams,
  ids: IdFactory,
): Page {
  let rows = opts.filter ? all.filter((r) => evaluate(opts.filter as FilterNode, r) === true) : [...all]
  const orderField = def.order === 'Timestamp' ? 'Timestamp' : '__seq'
  if (opts.orderby.length) {
    rows.sort((a, b) => {
      for (const { field, desc } of opts.orderby) {
        const c = compareValues(a[field], b[field])
        if (c !== 0) return desc ? -c : c
      }
      return compareValues(a[orderField], b[orderField])
    })
  } else {
    rows.sort((a, b) => Number(a[orderField] ?? 0) - Number(b[orderField] ?? 0))
  }
  const count = rows.length
  if (opts.skiptoken && !opts.orderby.length) {
    const after = skiptokenPosition(def, opts.skiptoken, ids, all)
    rows = rows.filter((r) => Number(r[orderField]) > after)
  }
  rows = rows.slice(opts.skip)
  const pageSize = pageSizeOf(def.kind)
  const wanted = opts.top === null ? rows.length : Math.min(opts.top, rows.length)
  const take = Math.min(wanted, pageSize)
  const page = rows.slice(0, take)
  if (take >= wanted) return { rows: page, count, next: null }
  const next = new URLSearchParams(params)
  if (opts.top !== null) next.set('$top', String(opts.top - take))
  if (opts.orderby.length) {
    next.set('$skip', String(opts.skip + take))
  } else {
    next.delete('$skip')
    const last = page[page.length - 1]
    next.set('$skiptoken', def.order === 'Timestamp' ? `${String(last.Timestamp)}L` : `guid'${String(last[def.key])}'`)
  }
  return { rows: page, count, next }
}

/** Created records know their creation number; seeded ones (the chart) their place in the list. */
function skiptokenPosition(def: ResourceDef, token: string, ids: IdFactory, all: Row[]): number {
  const ts = /^(\d+)L?$/.exec(token.trim())
  if (def.order === 'Timestamp' && ts) return Number(ts[1])
  const guid = /^guid'([0-9a-fA-F-]{36})'$/.exec(token.trim())?.[1].toLowerCase()
  const seq = guid ? (ids.seqOf(guid) ?? all.find((r) => String(r[def.key]).toLowerCase() === guid)?.__seq) : undefined
  if (seq === undefined) throw badRequest(`Invalid $skiptoken '${token}'.`)
  return seq
}

/** Query string for `__next`, readable like Exact's (`$`, `'`, `,` left as they are). */
export function queryString(params: URLSearchParams): string {
  const parts: string[] = []
  params.forEach((value, key) => {
    const enc = (s: string): string => encodeURIComponent(s).replace(/%24/g, '$').replace(/%2C/g, ',')
    parts.push(`${enc(key)}=${enc(value)}`)
  })
  return parts.join('&')
}
