import { entityUri, toWire, type WireOptions } from './envelope'
import { badRequest, ExactError, MALFORMED_BODY, notFound } from './errors'
import { checkPreconditions, parseQueryOptions, queryString, runQuery, type QueryOptions } from './odata-query'
import type { Registry, Target } from './resources/registry'
import type { ResourceContext, ResourceDef, Row } from './resources/types'

export interface Answer {
  status: number
  body: string | null
  headers: Record<string, string>
  contentType?: string
}

export interface ResourceRequest {
  ctx: ResourceContext
  registry: Registry
  target: Target
  method: string
  params: URLSearchParams
  body: unknown
  baseUrl: string
  divisionInUrl: number | null
  requestPath: string
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body: JSON.stringify(value), headers, contentType: 'application/json; charset=utf-8' }
}

function parseKey(def: ResourceDef, text: string): string | number {
  if (def.keyKind === 'guid') {
    const m = /^guid'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'$/.exec(text.trim())
    if (!m) throw badRequest(`Invalid key '${text}': expected guid'…'.`)
    return m[1].toLowerCase()
  }
  const m = /^(\d+)L?$/.exec(text.trim())
  if (!m) throw badRequest(`Invalid key '${text}'.`)
  return Number(m[1])
}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string' || body.trim() === '') throw badRequest(MALFORMED_BODY)
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw badRequest(MALFORMED_BODY)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(MALFORMED_BODY)
  return parsed as Record<string, unknown>
}

function wireOptions(req: ResourceRequest, def: ResourceDef, opts: QueryOptions | null): WireOptions {
  const expanded: WireOptions['expanded'] = new Map()
  for (const name of opts?.expand ?? []) {
    const nav = def.navigation?.[name]
    const child = nav && req.registry.get(nav.resource)
    if (!nav || !child) continue
    const byParent = new Map<unknown, Row[]>()
    for (const row of child.list(req.ctx)) {
      const parent = row[nav.parentField]
      byParent.set(parent, [...(byParent.get(parent) ?? []), row])
    }
    expanded.set(name, {
      def: child,
      rows: (parent) => byParent.get(parent[def.key]) ?? [],
      select: opts?.navSelect.get(name) ?? null,
    })
  }
  return { baseUrl: req.baseUrl, division: req.divisionInUrl, select: opts?.select ?? null, expanded }
}

function collection(req: ResourceRequest, def: ResourceDef, rows: Row[]): Answer {
  const opts = parseQueryOptions(def, req.params)
  checkPreconditions(def, req.params, opts, req.ctx.state.behaviour)
  if (def.kind === 'single') {
    return json(200, { d: { results: rows.map((r) => toWire(def, r, wireOptions(req, def, opts))) } })
  }
  const page = runQuery(def, rows, opts, req.params, req.ctx.state.ids)
  const wire = wireOptions(req, def, opts)
  const d: Record<string, unknown> = { results: page.rows.map((r) => toWire(def, r, wire)) }
  if (opts.inlinecount) d.__count = String(page.count)
  if (page.next) d.__next = `${req.baseUrl}${req.requestPath}?${queryString(page.next)}`
  return json(200, { d })
}

function findRow(def: ResourceDef, rows: Row[], key: string | number): Row | undefined {
  return rows.find((r) =>
    typeof key === 'string' ? String(r[def.key]).toLowerCase() === key : Number(r[def.key]) === key,
  )
}

/** A deleted entry's key answers 403 Forbidden (picqer #434, a second DELETE) or 404, per deletedEntryStatus. */
function refuseIfDeleted(req: ResourceRequest, def: ResourceDef, key: string | number): void {
  if (typeof key !== 'string' || !def.wasDeleted?.(req.ctx, key)) return
  const status = req.ctx.state.behaviour.deletedEntryStatus
  throw status === 403 ? new ExactError(403, 'Forbidden') : notFound()
}

/** One OData request against one resource definition, answered in Exact's envelope. */
export function handleResource(req: ResourceRequest): Answer {
  const { def, key: keyText, nav, count } = req.target
  const { ctx, method } = req
  const key = keyText === null ? null : parseKey(def, keyText)
  if (method === 'GET') {
    const rows = def.list(ctx)
    if (count) {
      const opts = parseQueryOptions(def, req.params)
      checkPreconditions(def, req.params, opts, req.ctx.state.behaviour)
      const page = runQuery(def, rows, { ...opts, top: null, skip: 0, skiptoken: null }, req.params, ctx.state.ids)
      return { status: 200, body: String(page.count), headers: {}, contentType: 'text/plain; charset=utf-8' }
    }
    if (key === null) return collection(req, def, rows)
    const row = findRow(def, rows, key)
    if (!row) {
      refuseIfDeleted(req, def, key)
      throw notFound()
    }
    if (nav) {
      const navigation = def.navigation?.[nav]
      const child = navigation && req.registry.get(navigation.resource)
      if (!navigation || !child) throw notFound()
      return collection(
        req,
        child,
        child.list(ctx).filter((r) => r[navigation.parentField] === row[def.key]),
      )
    }
    const opts = parseQueryOptions(def, req.params)
    return json(200, { d: toWire(def, row, wireOptions(req, def, opts)) })
  }
  if (nav || count) throw new ExactError(405, 'Method not allowed.')
  if (method === 'POST' && key === null && def.create) {
    const row = def.create(ctx, parseBody(req.body))
    const location = entityUri(def, req.baseUrl, req.divisionInUrl, row[def.key])
    return json(201, { d: toWire(def, row, wireOptions(req, def, null)) }, { Location: location })
  }
  if (method === 'PUT' && key !== null && def.update) {
    def.update(ctx, String(key), parseBody(req.body))
    return { status: 204, body: null, headers: {} }
  }
  if (method === 'DELETE' && key !== null && def.remove) {
    refuseIfDeleted(req, def, key)
    def.remove(ctx, String(key))
    return { status: 204, body: null, headers: {} }
  }
  throw new ExactError(405, 'Method not allowed.')
}
