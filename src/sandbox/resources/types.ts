import type { Behaviour } from '../behaviour'
import type { Lang } from '../errors'
import type { Division } from '../model'
import type { Grant } from '../oauth-store'
import type { SandboxState } from '../state'

/** An entity as the API shows it, with typed values (Date, Big, padded strings); `__seq` orders it. */
export type Row = Record<string, unknown> & { __seq?: number }

export interface ResourceContext {
  state: SandboxState
  division: Division
  grant: Grant
  lang: Lang
  now: number
  /** The request's query, for function-like resources (SyncTimestamp). */
  params: URLSearchParams
  /** publicUrl, else the request's scheme and Host: the base of absolute URLs a resource hands out. */
  baseUrl: string
}

export type ResourceKind = 'crud' | 'sync' | 'bulk' | 'read' | 'single'

export interface Navigation {
  resource: string
  parentField: string
}

export interface ResourceDef {
  /** Path after the division, e.g. `crm/Accounts`; matched case-sensitively like Exact. */
  path: string
  /** Entity type name for `__metadata.type` (Exact.Web.Api.Models.<type>). */
  type: string
  key: string
  keyKind: 'guid' | 'int'
  kind: ResourceKind
  fields: readonly string[]
  /** Default order and $skiptoken: creation order, or the sync row version. */
  order: 'seq' | 'Timestamp'
  mandatoryFilter?: readonly string[]
  /** Fields this resource refuses in a $filter under the given behaviour (400, picqer #532). */
  refusedFilter?(behaviour: Behaviour): readonly string[]
  navigation?: Record<string, Navigation>
  list(ctx: ResourceContext): Row[]
  create?(ctx: ResourceContext, body: Record<string, unknown>): Row
  update?(ctx: ResourceContext, key: string, body: Record<string, unknown>): void
  remove?(ctx: ResourceContext, key: string): void
  /** True for the key of a record that was deleted: GET by key and DELETE answer deletedEntryStatus. */
  wasDeleted?(ctx: ResourceContext, key: string): boolean
}

export function pageSizeOf(kind: ResourceKind): number {
  if (kind === 'sync' || kind === 'bulk') return 1000
  if (kind === 'read' || kind === 'single') return Number.POSITIVE_INFINITY
  return 60
}
