import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Db } from '../db/database'
import { findSettings, lockSettings, saveSettings, type SettingsRow } from '../db/settings-repository'
import { AppError } from '../domain/app-error'
import type { ChartOfAccounts } from '../domain/chart'
import { checkSettings, checkSettingsAgainstChart, proposeSettings, SettingsSchema, type Settings, type SettingsProblem } from '../domain/settings'
import type { Logger } from '../logger'
import type { ExactContext } from './exact-context'
import { mergeProposal, stillProposed } from './settings-merge'
import { toAppError } from './exact-errors'
import { webhookUrlProblem, type Lookup } from './webhook-url'

export const SettingsViewSchema = Type.Object(
  {
    settings: SettingsSchema,
    proposed: Type.Array(Type.String(), {
      description: 'JSON pointers of values proposed from the Exact administration and not changed by the tenant since ("please confirm")',
    }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SettingsView', additionalProperties: false },
)
export type SettingsView = Static<typeof SettingsViewSchema>

export interface SettingsServiceDeps {
  db: Db
  exact: ExactContext
  logger: Logger
  /** Development and sandbox mode: any http(s) webhook URL. Production: https to public addresses only. */
  allowPrivateWebhooks: boolean
  lookup?: Lookup
}

const toView = (row: SettingsRow): SettingsView => ({
  settings: row.settings as Settings,
  proposed: row.proposedFields,
  updatedAt: row.updatedAt.toISOString(),
})

const UNKNOWN_CODE = /^unknown_/

/** The domain's problems plus the one only the service can judge (the webhook URL needs DNS). */
type Problem = { field: string; code: SettingsProblem['code'] | 'webhook_url_refused'; message: string }

/** A tenant's settings: proposed from Exact when it connects, then the tenant's to change. */
export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  /** GET /settings; 404 before the tenant has connected or PUT any. */
  async view(tenantId: string): Promise<SettingsView> {
    const row = await findSettings(this.deps.db, tenantId)
    if (!row) {
      throw new AppError('not_found', 'This tenant has no settings yet: connect to Exact Online (POST /connection/authorize) to get them proposed, or PUT /settings.')
    }
    return toView(row)
  }

  /** The stored settings, or undefined when the tenant has none yet (the caller decides what that means). */
  async get(tenantId: string): Promise<Settings | undefined> {
    const row = await findSettings(this.deps.db, tenantId)
    if (!row) return undefined
    if (!Value.Check(SettingsSchema, row.settings)) {
      throw new AppError('internal', 'The stored settings no longer match the settings schema; PUT /settings again.')
    }
    return row.settings
  }

  /** As get(), for use cases that cannot go on without settings: 422 mapping_missing when there are none. */
  async require(tenantId: string): Promise<Settings> {
    const settings = await this.get(tenantId)
    if (!settings) {
      throw new AppError('mapping_missing', 'This tenant has no settings (journals, GL accounts, VAT codes): connect to Exact Online to get them proposed, or PUT /settings.', { field: '/settings' })
    }
    return settings
  }

  /**
   * PUT /settings (full replace). The body's shape is checked by the route (400); here the content:
   * contradictions, every code against the administration's chart, the webhook URL (422
   * settings_invalid listing each problem). Nothing is written unless all of it passes.
   */
  async replace(tenantId: string, settings: Settings): Promise<SettingsView> {
    const problems: Problem[] = [...checkSettings(settings), ...(await this.webhookProblems(settings))]
    const client = await this.deps.exact.clientFor(tenantId)
    let chartProblems = checkSettingsAgainstChart(settings, await this.deps.exact.chart(client))
    if (chartProblems.some((p) => UNKNOWN_CODE.test(p.code))) {
      // The bookkeeper may have just created the account in Exact: look once more, past the cache.
      chartProblems = checkSettingsAgainstChart(settings, await this.deps.exact.refreshChart(client))
    }
    problems.push(...chartProblems)
    if (problems.length > 0) throw settingsInvalid(problems)

    const row = await this.deps.db.transaction().execute(async (trx) => {
      const before = await lockSettings(trx, tenantId)
      const proposed = before ? stillProposed(before.settings, before.proposedFields, settings) : []
      return saveSettings(trx, tenantId, settings, proposed)
    })
    return toView(row)
  }

  /**
   * Reads the chart and lays proposeSettings(chart) over what is stored (see mergeProposal): a new
   * tenant gets a complete proposal, an existing one keeps every value it set. `fresh` (a new
   * administration): the old codes mean nothing there, so only the tenant's choices that name no
   * Exact code (webhook, payment sync, discount booking mode) survive.
   */
  async proposeFromExact(tenantId: string, opts: { fresh?: boolean } = {}): Promise<SettingsView> {
    const client = await this.deps.exact.clientFor(tenantId)
    const chart: ChartOfAccounts = await this.deps.exact.chart(client)
    const proposal = proposeSettings(chart)
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const stored = await lockSettings(trx, tenantId)
      const valid = stored && Value.Check(SettingsSchema, stored.settings) ? stored.settings : undefined
      if (valid && opts.fresh) {
        const { webhook, paymentSync, paymentDiscountBooking } = valid
        const settings = { ...proposal.settings, paymentSync, paymentDiscountBooking, webhook }
        return saveSettings(trx, tenantId, settings, proposal.proposed.filter((p) => !KEPT_ON_NEW_DIVISION.some((k) => p.startsWith(k))))
      }
      const merged = valid ? mergeProposal({ settings: valid, proposedFields: stored!.proposedFields }, proposal) : proposal
      return saveSettings(trx, tenantId, merged.settings, merged.proposed)
    })
    this.deps.logger.info({ tenantId, proposed: row.proposedFields.length }, 'settings proposed from the Exact administration')
    return toView(row)
  }

  async refreshChart(tenantId: string): Promise<{ fetchedAt: string; journals: number; glAccounts: number; vatCodes: number; paymentConditions: number }> {
    const client = await this.deps.exact.clientFor(tenantId)
    const fetchedAt = this.deps.exact.clock().toISOString()
    const chart = await this.deps.exact.refreshChart(client).catch((e: unknown) => { throw toAppError(e) })
    return { fetchedAt, journals: chart.journals.length, glAccounts: chart.glAccounts.length, vatCodes: chart.vatCodes.length, paymentConditions: chart.paymentConditions.length }
  }

  private async webhookProblems(settings: Settings): Promise<Problem[]> {
    if (!settings.webhook) return []
    const problem = await webhookUrlProblem(settings.webhook.url, { allowPrivate: this.deps.allowPrivateWebhooks, lookup: this.deps.lookup })
    return problem ? [{ field: '/webhook/url', code: 'webhook_url_refused', message: `webhook URL ${problem}` }] : []
  }
}

const KEPT_ON_NEW_DIVISION = ['/webhook', '/paymentSync', '/paymentDiscountBooking']

function settingsInvalid(problems: Problem[]): AppError {
  const [first] = problems
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}, see errors)` : ''
  return new AppError('settings_invalid', `${first.field}: ${first.message}${more}.`, {
    field: first.field,
    details: { errors: problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
  })
}
