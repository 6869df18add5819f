import { createHash } from 'node:crypto'
import { Value } from '@sinclair/typebox/value'
import type { Db } from '../db/database'
import { findSettings, lockSettings, saveSettings, type SettingsRow } from '../db/settings-repository'
import { AppError } from '../domain/app-error'
import type { ChartOfAccounts } from '../domain/chart'
import {
  checkSettings,
  checkSettingsAgainstChart,
  proposeSettings,
  SettingsSchema,
  type Settings,
  type SettingsProblem,
} from '../domain/settings'
import type { Logger } from '../logger'
import type { ExactSessions } from './exact-session/exact-sessions'
import { applyMergePatch, mergeProposal, stillProposed } from '../domain/settings-merge'
import { toAppError } from './exact-session/exact-errors'
import { webhookUrlProblem, type Lookup } from '../lib/webhook-url'

/**
 * GET /settings/proposal: what was proposed from Exact, kept apart from the settings so that the
 * settings GET returns are exactly what PUT takes (the view is http/schemas/settings.ts).
 */
export interface SettingsProposal {
  proposed: string[]
  proposalProblems: SettingsRow['proposalProblems']
  updatedAt: Date
}

/** The stored settings and their version: the ETag (If-Match) and Last-Modified of GET /settings. */
export interface VersionedSettings {
  settings: Settings
  etag: string
  updatedAt: Date
}

export interface SettingsServiceDeps {
  db: Db
  exact: ExactSessions
  logger: Logger
  /** Development and sandbox mode: any http(s) webhook URL. Production: https to public addresses only. */
  allowPrivateWebhooks: boolean
  lookup?: Lookup
}

const versioned = (row: SettingsRow): VersionedSettings => ({
  settings: row.settings as Settings,
  etag: etagOf(row.settings),
  updatedAt: row.updatedAt,
})

/** Strong: two representations with the same ETag are the same settings, byte for byte once serialized. */
function etagOf(settings: unknown): string {
  return `"${createHash('sha256').update(canonicalJson(settings)).digest('base64url').slice(0, 22)}"`
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** RFC 9110 If-Match: `*` or a list of entity tags, compared strongly (a weak tag never matches). */
function matches(ifMatch: string, row: SettingsRow | undefined): boolean {
  if (!row) return false
  const etag = etagOf(row.settings)
  return ifMatch
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t === etag)
}

function preconditionFailed(row: SettingsRow | undefined): AppError {
  return new AppError(
    'precondition_failed',
    row
      ? `The settings changed since the version named in If-Match (now ${etagOf(row.settings)}): GET /settings, apply the change again and send it with the new ETag.`
      : 'This tenant has no settings, so If-Match names no version of them: PUT /settings without If-Match.',
    { field: 'header/if-match' },
  )
}

/** PATCH /settings retries on its own when another write lands between its read and its write. */
const PATCH_ATTEMPTS = 3

const UNKNOWN_CODE = /^unknown_/

/** The domain's problems plus the one only the service can judge (the webhook URL needs DNS). */
type Problem = { field: string; code: SettingsProblem['code'] | 'webhook_url_refused'; message: string }

/** A tenant's settings: proposed from Exact when it connects, then the tenant's to change. */
export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  /** GET /settings; 404 before the tenant has connected or PUT any. */
  async current(tenantId: string): Promise<VersionedSettings> {
    return versioned(await this.stored(tenantId))
  }

  /** GET /settings/proposal. */
  async proposal(tenantId: string): Promise<SettingsProposal> {
    const row = await this.stored(tenantId)
    return { proposed: row.proposedFields, proposalProblems: row.proposalProblems, updatedAt: row.updatedAt }
  }

  private async stored(tenantId: string): Promise<SettingsRow> {
    const row = await findSettings(this.deps.db, tenantId)
    if (!row) {
      throw new AppError(
        'not_found',
        'This tenant has no settings yet: connect to Exact Online (POST /connection/authorize) to get them proposed, or PUT /settings.',
      )
    }
    return row
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
  async replace(tenantId: string, settings: Settings, opts: { ifMatch?: string } = {}): Promise<VersionedSettings> {
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
      // Checked under the row lock: the version the caller saw is the one replaced, or nothing is.
      if (opts.ifMatch !== undefined && !matches(opts.ifMatch, before)) throw preconditionFailed(before)
      const proposed = before ? stillProposed(before.settings, before.proposedFields, settings) : []
      return saveSettings(trx, tenantId, settings, proposed)
    })
    return versioned(row)
  }

  /**
   * PATCH /settings: an RFC 7396 merge patch laid over the stored settings; the result must pass
   * `checkShape` (the PUT body's schema, as the route checks a PUT) and then everything replace()
   * checks. Without If-Match a write that lands in between is not lost: the patch is laid over it.
   */
  async patch(
    tenantId: string,
    patch: unknown,
    checkShape: (doc: unknown) => Settings,
    opts: { ifMatch?: string } = {},
  ): Promise<VersionedSettings> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.stored(tenantId)
      if (opts.ifMatch !== undefined && !matches(opts.ifMatch, row)) throw preconditionFailed(row)
      const settings = checkShape(applyMergePatch(row.settings, patch))
      try {
        return await this.replace(tenantId, settings, { ifMatch: opts.ifMatch ?? etagOf(row.settings) })
      } catch (error) {
        if (
          opts.ifMatch !== undefined ||
          attempt >= PATCH_ATTEMPTS ||
          !(error instanceof AppError && error.code === 'precondition_failed')
        )
          throw error
      }
    }
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
  async proposeFromExact(tenantId: string, opts: { fresh?: boolean } = {}): Promise<VersionedSettings> {
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
        throw new AppError(
          'internal',
          'The settings proposed from Exact do not match the settings schema; nothing was stored.',
        )
      }
      return saveSettings(trx, tenantId, checked.settings, checked.proposed, [
        ...proposal.problems,
        ...checked.problems,
      ])
    })
    this.deps.logger.info(
      { tenantId, proposed: row.proposedFields.length, problems: row.proposalProblems.length },
      'settings proposed from the Exact administration',
    )
    return versioned(row)
  }

  async refreshChart(
    tenantId: string,
  ): Promise<{ fetchedAt: Date; journals: number; glAccounts: number; vatCodes: number; paymentConditions: number }> {
    const client = await this.deps.exact.clientFor(tenantId)
    const fetchedAt = this.deps.exact.clock()
    const chart = await this.deps.exact.refreshChart(client).catch((e: unknown) => {
      throw toAppError(e)
    })
    return {
      fetchedAt,
      journals: chart.journals.length,
      glAccounts: chart.glAccounts.length,
      vatCodes: chart.vatCodes.length,
      paymentConditions: chart.paymentConditions.length,
    }
  }

  private async webhookProblems(settings: Settings): Promise<Problem[]> {
    if (!settings.webhook) return []
    const problem = await webhookUrlProblem(settings.webhook.url, {
      allowPrivate: this.deps.allowPrivateWebhooks,
      lookup: this.deps.lookup,
    })
    return problem ? [{ field: '/webhook/url', code: 'webhook_url_refused', message: `webhook URL ${problem}` }] : []
  }
}

const KEPT_ON_NEW_DIVISION = ['/webhook', '/paymentSync', '/paymentDiscountBooking']

/**
 * A proposed value the chart check refuses is set back to null (a payment condition is dropped),
 * and the problem kept; values the tenant set are theirs and stay, refused or not, until a PUT.
 */
function withdrawInvalidProposals(
  merged: { settings: Settings; proposed: string[] },
  chart: ChartOfAccounts,
): { settings: Settings; proposed: string[]; problems: SettingsProblem[] } {
  const problems = [...checkSettings(merged.settings), ...checkSettingsAgainstChart(merged.settings, chart)].filter(
    (p) => merged.proposed.some((field) => p.field === field || p.field.startsWith(`${field}/`)),
  )
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
  else if (
    key === 'journal' ||
    key === 'defaultGlAccount' ||
    key === 'creditNoteJournal' ||
    key === 'adjustmentVatCode'
  )
    settings[side][key] = null
}

function settingsInvalid(problems: Problem[]): AppError {
  const [first] = problems
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}, see errors)` : ''
  return new AppError('settings_invalid', `${first.field}: ${first.message}${more}.`, {
    field: first.field,
    details: { errors: problems.map((p) => ({ field: p.field, message: p.message, code: p.code })) },
  })
}
