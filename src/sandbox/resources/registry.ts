import { accounts } from './accounts'
import { documentAttachments, documents, documentTypes } from './documents'
import { bulkPayables, bulkReceivables, payables, paymentTerms, receivables } from './cashflow'
import { purchaseEntries, purchaseEntryLines, salesEntries, salesEntryLines } from './entries'
import { bulkAccounts, syncAccounts, syncDeleted } from './sync'
import { transactionLines } from './transaction-lines'
import { payablesList, receivablesList } from './outstanding-lists'
import { bulkGlAccounts, glAccounts, journals, paymentConditions, vatCodes } from './reference'
import { divisions, me, syncTimestamp } from './system'
import type { ResourceDef } from './types'
import { webhookSubscriptions } from './webhook-subscriptions'

export interface Target {
  def: ResourceDef
  key: string | null
  nav: string | null
  count: boolean
}

export class Registry {
  private readonly byPath = new Map<string, ResourceDef>()

  constructor(defs: ResourceDef[]) {
    for (const def of defs) this.byPath.set(def.path, def)
  }

  get(path: string): ResourceDef | undefined {
    return this.byPath.get(path)
  }

  /** `service/Entity`, `…(key)`, `…(key)/Nav` or `…/$count`; null for an unknown endpoint. */
  resolve(resourcePath: string): Target | null {
    const m = /^(.+?)(?:\(([^()]*)\))?(?:\/([A-Za-z]+|\$count))?$/.exec(resourcePath)
    if (!m) return null
    const [, path, key, tail] = m
    let def = this.byPath.get(path)
    let nav: string | null = null
    let count = false
    if (def) {
      if (tail === '$count') {
        if (key !== undefined) return null
        count = true
      } else if (tail) {
        if (key === undefined || !def.navigation?.[tail]) return null
        nav = tail
      }
    } else if (key === undefined && tail && tail !== '$count') {
      def = this.byPath.get(`${path}/${tail}`)
      if (!def) return null
    } else {
      return null
    }
    return { def, key: key ?? null, nav, count }
  }
}

export const API_RESOURCES: ResourceDef[] = [
  accounts,
  glAccounts,
  journals,
  vatCodes,
  paymentConditions,
  salesEntries,
  purchaseEntries,
  salesEntryLines,
  purchaseEntryLines,
  receivables,
  payables,
  bulkReceivables,
  bulkPayables,
  receivablesList,
  payablesList,
  paymentTerms,
  syncDeleted,
  syncAccounts,
  bulkAccounts,
  transactionLines,
  bulkGlAccounts,
  divisions,
  syncTimestamp,
  webhookSubscriptions,
  documents,
  documentAttachments,
  documentTypes,
]

export const ME_RESOURCE = me
