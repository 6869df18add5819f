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
    proposalProblems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() }), {
      description:
        'What the last proposal left out and why, e.g. a payment condition nothing may be booked on until it is fixed in Exact ' +
        '(field points at the condition by its Exact code). Empty after a PUT',
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
  proposalProblems: row.proposalProblems,
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
   * Exact code (webhook, payment sync, discount booking mode) survive. What is stored is validated
   * first: the schema, and every proposed value against the chart as a PUT would check it. The
   * proposal already leaves out payment conditions nothing may be booked on (its `problems`, stored
   * for GET /settings); a proposed value that still fails is withdrawn, never stored.
   */
  async proposeFromExact(tenantId: string, opts: { fresh?: boolean } = {}): Promise<SettingsView> {
    const client = await this.deps.exact.clientFor(tenantId)
    const chart: ChartOfAccounts = await this.deps.exact.chart(client)
    const proposal = proposeSettings(chart)
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const stored = await lockSettings(trx, tenantId)
      const valid = stored && Value.Check(SettingsSchema, stored.settings) ? stored.settings : undefined
      let merged: { settings: Settings; proposed: string[] }
      if (valid && opts.fresh) {
        const { webhook, paymentSync, paymentDiscountBooking } = valid
        merged = {
          settings: { ...proposal.settings, paymentSync, paymentDiscountBooking, webhook },
          proposed: proposal.proposed.filter((p) => !KEPT_ON_NEW_DIVISION.some((k) => p.startsWith(k))),
        }
      } else {
        merged = valid ? mergeProposal({ settings: valid, proposedFields: stored!.proposedFields }, proposal) : proposal
      }
      const checked = withdrawInvalidProposals(merged, chart)
      if (!Value.Check(SettingsSchema, checked.settings)) {
        throw new AppError('internal', 'The settings proposed from Exact do not match the settings schema; nothing was stored.')
      }
      return saveSettings(trx, tenantId, checked.settings, checked.proposed, [...proposal.problems, ...checked.problems])
    })
    this.deps.logger.info({ tenantId, proposed: row.proposedFields.length, problems: row.proposalProblems.length }, 'settings proposed from the Exact administration')
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

/**
 * A proposed value the chart check refuses is set back to null (a payment condition is dropped),
 * and the problem kept; values the tenant set are theirs and stay, refused or not, until a PUT.
 */
function withdrawInvalidProposals(
  merged: { settings: Settings; proposed: string[] }, chart: ChartOfAccounts,
): { settings: Settings; proposed: string[]; problems: SettingsProblem[] } {
  const problems = [...checkSettings(merged.settings), ...checkSettingsAgainstChart(merged.settings, chart)]
    .filter((p) => merged.proposed.some((field) => p.field === field || p.field.startsWith(`${field}/`)))
  if (problems.length === 0) return { ...merged, problems: [] }
  const settings = structuredClone(merged.settings)
  const dropped = new Set<number>()
  let proposed = merged.proposed
  for (const p of problems) {
    const field = merged.proposed.find((f) => p.field === f || p.field.startsWith(`${f}/`))!
    const condition = /^\/paymentConditions\/(\d+)$/.exec(field)
    if (condition) dropped.add(Number(condition[1]))
    else setProposedNull(settings, field)
    proposed = proposed.filter((f) => f !== field)
  }
  if (dropped.size > 0) {
    // Conditions are proposed as one list (mergeProposal): renumber what is left.
    const kept = settings.paymentConditions.map((c, i) => ({ c, i })).filter(({ i }) => !dropped.has(i))
    settings.paymentConditions = kept.map(({ c }) => c)
    proposed = proposed.flatMap((f) => {
      const m = /^\/paymentConditions\/(\d+)(.*)$/.exec(f)
      if (!m) return [f]
      const at = kept.findIndex(({ i }) => i === Number(m[1]))
      return at < 0 ? [] : [`/paymentConditions/${at}${m[2]}`]
    })
  }
  return { settings, proposed, problems }
}

function setProposedNull(settings: Settings, pointer: string): void {
  const [, side, key, rate] = pointer.split('/')
  if (side !== 'sales' && side !== 'purchase') return
  if (key === 'vatCodes' && rate !== undefined) delete settings[side].vatCodes[rate]
  else if (key === 'journal' || key === 'defaultGlAccount' || key === 'creditNoteJournal' || key === 'adjustmentVatCode') settings[side][key] = null
}

function settingsInvalid(problems: Problem[]): AppError {
  const [first] = problems
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}, see errors)` : ''
  return new AppError('settings_invalid', `${first.field}: ${first.message}${more}.`, {
    field: first.field,
    details: { errors: problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
  })
}
