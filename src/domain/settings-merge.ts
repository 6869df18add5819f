import type { Settings } from './settings'
import type { JsonPointer } from './types'

/**
 * Bookkeeping for "proposed" settings: which values were guessed from Exact and are still as
 * guessed. Pure; pointers are RFC 6901 (`/sales/vatCodes/21`, `/paymentConditions/0`).
 */

const unescape = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~')
const tokens = (pointer: JsonPointer) => pointer.split('/').slice(1).map(unescape)

export function valueAt(doc: unknown, pointer: JsonPointer): unknown {
  let node: unknown = doc
  for (const token of tokens(pointer)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[token]
  }
  return node
}

/** Sets (or, for `undefined`, deletes) the value; the parents must exist. */
function setAt(doc: unknown, pointer: JsonPointer, value: unknown): void {
  const path = tokens(pointer)
  const last = path.pop()
  const parent = valueAt(doc, path.length === 0 ? '' : `/${path.join('/')}`)
  if (last === undefined || parent === null || typeof parent !== 'object') return
  if (value === undefined) delete (parent as Record<string, unknown>)[last]
  else (parent as Record<string, unknown>)[last] = value
}

/** Structural equality; object key order does not matter, an absent key equals an undefined one. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const key of keys) {
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false
  }
  return true
}

/** After a PUT: a proposed value stays "proposed" only while the tenant leaves it as it was. */
export function stillProposed(before: unknown, proposedBefore: JsonPointer[], after: Settings): JsonPointer[] {
  return proposedBefore.filter(
    (p) => valueAt(after, p) !== undefined && sameValue(valueAt(before, p), valueAt(after, p)),
  )
}

const CONDITIONS = '/paymentConditions'
const isCondition = (p: JsonPointer) => p === CONDITIONS || p.startsWith(`${CONDITIONS}/`)

/**
 * A new proposal laid over the stored settings. A value is (re)proposed when it is missing, null,
 * or still the earlier, untouched proposal; a value the tenant set stays. An earlier guess the new
 * chart no longer supports is withdrawn. The payment conditions are one unit (they are matched by
 * position): replaced only while the tenant has not changed, added or removed any. Switches the
 * tenant owns (enabled, paymentSync, paymentDiscountBooking, webhook) are never touched.
 */
export function mergeProposal(
  stored: { settings: Settings; proposedFields: JsonPointer[] },
  proposal: { settings: Settings; proposed: JsonPointer[] },
): { settings: Settings; proposed: JsonPointer[] } {
  const settings = structuredClone(stored.settings)
  const wasProposed = new Set(stored.proposedFields)
  const proposed = new Set<JsonPointer>()

  for (const p of proposal.proposed.filter((x) => !isCondition(x))) {
    const current = valueAt(settings, p)
    if (current === undefined || current === null || wasProposed.has(p)) {
      setAt(settings, p, structuredClone(valueAt(proposal.settings, p)))
      proposed.add(p)
    }
  }
  for (const p of stored.proposedFields.filter((x) => !isCondition(x) && !proposed.has(x))) {
    const fresh = valueAt(proposal.settings, p)
    setAt(settings, p, fresh === undefined ? (p.includes('/vatCodes/') ? undefined : null) : structuredClone(fresh))
  }

  const untouched = settings.paymentConditions.every((_c, i) => wasProposed.has(`${CONDITIONS}/${i}`))
  if (untouched) {
    settings.paymentConditions = structuredClone(proposal.settings.paymentConditions)
    proposal.proposed.filter(isCondition).forEach((p) => proposed.add(p))
  } else {
    stored.proposedFields.filter(isCondition).forEach((p) => proposed.add(p))
  }
  return { settings, proposed: [...proposed] }
}

/**
 * RFC 7396 JSON merge patch: an object patch merges member by member (recursively), `null`
 * deletes a member, anything else (an array, a string) replaces the target whole. Pure.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch)
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? structuredClone(target as Record<string, unknown>)
      : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = applyMergePatch(result[key], value)
  }
  return result
}
