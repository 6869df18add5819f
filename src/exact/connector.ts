import type { ChartOfAccounts } from '../domain/chart'
import type { Entry } from '../domain/entry'
import { addAccountRoles, createAccount, findAccounts, type AccountQuery, type AccountRoles, type ExactAccount, type NewParty } from './accounts'
import { getOpenItem, syncPaymentTerms, type OpenItem, type PaymentTerm } from './cashflow'
import { ExactClient, type ExactClientOptions } from './client'
import { createEntry, deleteEntry, findEntryByMarker, type BookedEntry, type EntryType } from './entries'
import { getCurrentDivision, type ExactMe } from './me'
import type { LimitState, Priority } from './rate-limiter'
import { ChartCache, fetchChart } from './reference-data'
import { syncDeleted, type DeletedRecord, type SyncPage } from './sync'

export interface ExactConnectorOptions extends ExactClientOptions {
  /** Shared by all connectors of the process (one chart per base URL and division). */
  charts: ChartCache
}

/**
 * Exact Online for one division, in our vocabulary. Build one per tenant and request; the
 * limiter registry and chart cache passed in are what is shared.
 */
export class ExactConnector {
  readonly client: ExactClient

  constructor(private readonly opts: ExactConnectorOptions) {
    this.client = new ExactClient(opts)
  }

  /** The same connector whose calls queue behind interactive ones (bulk jobs, syncs). */
  withPriority(priority: Priority): ExactConnector {
    return new ExactConnector({ ...this.opts, priority })
  }

  getCurrentDivision(): Promise<ExactMe> {
    return getCurrentDivision(this.client)
  }

  getChart(): Promise<ChartOfAccounts> {
    return this.opts.charts.get(this.chartKey(), () => fetchChart(this.client))
  }

  invalidateChart(): void {
    this.opts.charts.invalidate(this.chartKey())
  }

  findAccounts(query: AccountQuery): Promise<ExactAccount[]> {
    return findAccounts(this.client, query)
  }

  createAccount(party: NewParty, roles: AccountRoles): Promise<ExactAccount> {
    return createAccount(this.client, party, roles)
  }

  addAccountRoles(id: string, roles: AccountRoles): Promise<void> {
    return addAccountRoles(this.client, id, roles)
  }

  async createEntry(entry: Entry, relationId: string): Promise<BookedEntry> {
    return createEntry(this.client, entry, relationId, await this.getChart())
  }

  findEntryByMarker(type: EntryType, yourRef: string, marker: string): Promise<BookedEntry | null> {
    return findEntryByMarker(this.client, type, yourRef, marker)
  }

  deleteEntry(type: EntryType, entryId: string): Promise<'deleted' | 'not_found'> {
    return deleteEntry(this.client, type, entryId)
  }

  getOpenItem(type: EntryType, entryId: string): Promise<OpenItem | null> {
    return getOpenItem(this.client, type, entryId)
  }

  /** Always background priority: a sync must not delay an export. */
  syncPaymentTerms(since: bigint | string): AsyncGenerator<SyncPage<PaymentTerm>> {
    return syncPaymentTerms(this.client.withPriority('background'), since)
  }

  syncDeleted(since: bigint | string): AsyncGenerator<SyncPage<DeletedRecord>> {
    return syncDeleted(this.client.withPriority('background'), since)
  }

  /** Budget left in this division, for bulk jobs that want to plan. */
  rateLimitState(): LimitState {
    return this.opts.limiter.forDivision(this.client.baseUrl, this.client.division).state()
  }

  private chartKey(): string {
    return `${this.client.baseUrl}#${this.client.division ?? 'current'}`
  }
}
