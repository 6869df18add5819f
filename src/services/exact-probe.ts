import { randomBytes } from 'node:crypto'
import { Type, type Static } from '@sinclair/typebox'
import Big from 'big.js'
import type { Db } from '../db/database'
import { findConnection } from '../db/connections-repository'
import { findProbe, saveProbe } from '../db/probes-repository'
import { recordReceivablesListFilter } from '../db/connection-capabilities-repository'
import { AppError } from '../domain/app-error'
import { toMoney } from '../domain/money'
import type { Settings } from '../domain/settings'
import type { ExactClient } from '../exact/client'
import {
  anyAccount,
  bookProbeEntry,
  deleteAndObserve,
  entriesPath,
  rawPaymentConditions,
  readEntry,
  readOpenItemFields,
  tryFilter,
  type RawPaymentCondition,
} from '../exact/conformance'
import { listDivisions } from '../exact/divisions'
import { getCurrentDivision } from '../exact/me'
import { syncTimestampAt } from '../exact/sync'
import { odataString } from '../exact/wire'
import type { ExactSessions } from './exact-session/exact-sessions'
import { toAppError } from './exact-session/exact-errors'

const CheckSchema = Type.Object(
  {
    id: Type.String(),
    assumption: Type.String({ description: 'What the service assumes of Exact Online' }),
    observed: Type.String(),
    ok: Type.Boolean(),
    serviceAction: Type.String({ description: 'What the service does about it' }),
  },
  { additionalProperties: false },
)
type Check = Static<typeof CheckSchema>

/** What the service adapts to; null when the probe could not tell. */
const AdaptationsSchema = Type.Object(
  {
    discountPercentScale: Type.Union([Type.Literal('fraction'), Type.Literal('percent'), Type.Null()]),
    receivablesListFilter: Type.Union([Type.Literal('supported'), Type.Literal('refused'), Type.Null()]),
    entryDescriptionFilter: Type.Union([Type.Literal('supported'), Type.Literal('refused'), Type.Null()]),
  },
  { additionalProperties: false },
)
export type ProbeAdaptations = Static<typeof AdaptationsSchema>

export const ProbeReportSchema = Type.Object(
  {
    division: Type.Integer(),
    ranAt: Type.String({ format: 'date-time' }),
    write: Type.Boolean({ description: 'Whether a test entry was booked, read back and deleted' }),
    exactCalls: Type.Integer(),
    errorAnswers: Type.Integer({ description: 'Answers of 400-404: Exact blocks an endpoint after 10 an hour' }),
    allHold: Type.Boolean(),
    checks: Type.Array(CheckSchema),
    adaptations: AdaptationsSchema,
  },
  { $id: 'ProbeReport', additionalProperties: false },
)
export type ProbeReport = Static<typeof ProbeReportSchema>

/** The sandbox's default and the likelier reality (picqer #434); 404 is the other answer. */
const EXPECTED_SECOND_DELETE = 403

/**
 * The conformance probe: every open point of exact-reality.md §4 that the API can answer, asked of
 * the tenant's own administration. Read-only unless `write`: then one test entry is booked, read
 * back and deleted twice. At most 14 calls and 3 error answers (the filters that may be refused
 * and the second DELETE), well below Exact's block of 10 errors per endpoint and hour.
 */
export class ProbeService {
  constructor(
    private readonly db: Db,
    private readonly exact: ExactSessions,
    private readonly settingsOf: (tenantId: string) => Promise<Settings | undefined>,
  ) {}

  async last(tenantId: string): Promise<ProbeReport> {
    const stored = await findProbe<ProbeReport>(this.db, tenantId)
    if (!stored)
      throw new AppError('not_found', 'No probe has run for this tenant yet: npm run exact:probe -- --tenant <id>.')
    return stored.findings
  }

  async run(tenantId: string, opts: { write?: boolean } = {}): Promise<ProbeReport> {
    let calls = 0
    let errors = 0
    const client = await this.exact.clientFor(tenantId, 'interactive', (call) => {
      calls += 1
      if (call.status !== null && call.status >= 400 && call.status <= 404) errors += 1
    })
    const settings = await this.settingsOf(tenantId)
    const checks: Check[] = []
    const adaptations: ProbeAdaptations = {
      discountPercentScale: null,
      receivablesListFilter: null,
      entryDescriptionFilter: null,
    }
    try {
      await this.readChecks(tenantId, client, settings, checks, adaptations)
      if (opts.write) await this.writeChecks(client, settings, checks)
    } catch (error) {
      throw toAppError(error)
    }
    const report: ProbeReport = {
      division: client.division!,
      ranAt: this.exact.clock().toISOString(),
      write: opts.write ?? false,
      exactCalls: calls,
      errorAnswers: errors,
      allHold: checks.every((c) => c.ok),
      checks,
      adaptations,
    }
    await saveProbe(this.db, tenantId, {
      division: report.division,
      findings: report,
      exactCalls: calls,
      ranAt: this.exact.clock(),
    })
    // Where the service adapts: the live payment look-up, and the chart's reading of DiscountPercentage.
    if (adaptations.receivablesListFilter)
      await recordReceivablesListFilter(this.db, tenantId, adaptations.receivablesListFilter)
    if (adaptations.discountPercentScale) await this.exact.forgetChart(client)
    return report
  }

  private async readChecks(
    tenantId: string,
    client: ExactClient,
    settings: Settings | undefined,
    checks: Check[],
    adapt: ProbeAdaptations,
  ): Promise<void> {
    const connection = await findConnection(this.db, tenantId)
    const me = await getCurrentDivision(client)
    const reachable = await listDivisions(client)
    checks.push({
      id: 'divisions',
      assumption: 'the connected administration is one the grant reaches',
      observed: `reaches ${reachable.map((d) => d.division).join(', ') || 'none'}; CurrentDivision ${me.division}; connected to ${client.division}`,
      ok: reachable.some((d) => d.division === client.division),
      serviceAction: `books in the administration the tenant chose (${connection?.divisions.length ?? 0} offered at consent), never in CurrentDivision by default`,
    })

    const conditions = (await rawPaymentConditions(client)).filter(
      (c) => c.discountType === 'B' || c.discountType === 'K',
    )
    checks.push(scaleCheck(conditions, adapt))
    checks.push({
      id: 'discount_fields',
      assumption: 'payment conditions carry DiscountCalculation and VATCalculation',
      observed:
        conditions.length === 0
          ? 'no discount conditions'
          : conditions.map((c) => `${c.code}: ${c.discountCalculation ?? '-'}/${c.vatCalculation ?? '-'}`).join(', '),
      ok: conditions.every((c) => c.discountCalculation !== null && c.vatCalculation !== null),
      serviceAction:
        'refuses a discount-for-cash condition that does not compute on the amount excl. VAT (settings_invalid)',
    })

    const side = 'sales' as const
    const ref = odataString(`xb-probe-${randomBytes(3).toString('hex')}`)
    const byRef = await tryFilter(client, entriesPath(side), { $filter: `YourRef eq ${ref}`, $select: 'EntryID' })
    checks.push({
      id: 'yourref_filter',
      assumption: 'entries can be filtered on YourRef',
      observed: describeFilter(byRef),
      ok: byRef.accepted,
      serviceAction: 'finds a booking whose answer was lost by its YourRef before it sends again',
    })
    const byDescription = await tryFilter(client, entriesPath(side), {
      $filter: `YourRef eq ${ref} and startswith(Description,${ref}) eq true`,
      $select: 'EntryID',
    })
    adapt.entryDescriptionFilter = byDescription.accepted ? 'supported' : 'refused'
    checks.push({
      id: 'description_filter',
      assumption: 'startswith(Description, …) is accepted on entries',
      observed: describeFilter(byDescription),
      ok: byDescription.accepted,
      serviceAction: 'filters on YourRef only and matches the marker in Description itself, so either answer is safe',
    })
    const list = await tryFilter(client, 'read/financial/ReceivablesList', {
      $filter: `EntryNumber eq 0 and JournalCode eq ${odataString(settings?.sales.journal ?? '70')}`,
      $select: 'HID',
    })
    adapt.receivablesListFilter = list.accepted ? 'supported' : 'refused'
    checks.push({
      id: 'receivables_list_filter',
      assumption: 'ReceivablesList filters on EntryNumber and JournalCode',
      observed: describeFilter(list),
      ok: list.accepted,
      serviceAction:
        'reads the outstanding amount from ReceivablesList only while it accepts the filter, else from the split Receivables rows',
    })
    const since = new Date(this.exact.clock().getTime() - 3 * 86_400_000)
    const timestamp = await syncTimestampAt(client, 'PaymentTerms', since)
    checks.push({
      id: 'sync_timestamp',
      assumption: 'read/sync/Sync/SyncTimestamp places a sync cursor by date',
      observed: `PaymentTerms 3 days ago: ${timestamp}L`,
      ok: true,
      serviceAction: "starts a new administration's payment sync a few days back instead of at its first row",
    })
  }

  private async writeChecks(client: ExactClient, settings: Settings | undefined, checks: Check[]): Promise<void> {
    const journal = settings?.sales.journal
    if (!settings || !journal)
      throw new AppError(
        'mapping_missing',
        'The write probe books in the sales journal of the settings: set it first.',
        { field: '/sales/journal' },
      )
    const [rate, vatCode] =
      Object.entries(settings.sales.vatCodes).find(([r]) => r === '21') ??
      Object.entries(settings.sales.vatCodes)[0] ??
      []
    if (rate === undefined || vatCode === undefined)
      throw new AppError('mapping_missing', 'The write probe needs a sales VAT code in the settings.', {
        field: '/sales/vatCodes',
      })
    const glCode = settings.sales.defaultGlAccount
    if (!glCode)
      throw new AppError(
        'mapping_missing',
        'The write probe books on the default sales GL account: set it in the settings.',
        { field: '/sales/defaultGlAccount' },
      )
    const gl = await client.get('financial/GLAccounts', {
      $filter: `Code eq ${odataString(glCode)}`,
      $select: 'ID',
      $top: '1',
    })
    const relationId = await anyAccount(client, 'sales')
    if (!gl || !relationId)
      throw new AppError(
        'mapping_missing',
        'The write probe needs the default sales GL account and one customer in Exact.',
        { field: '/sales/defaultGlAccount' },
      )
    const discount = settings.paymentConditions.find(
      (p) => p.exactCode !== null && new Big(p.discountForCashPercent).gt(0),
    )
    const net = '100.00'
    const vat = toMoney(new Big(net).times(rate).div(100))
    const marker = `xb-probe-${randomBytes(3).toString('hex')}`
    const description = `${marker} exact-bridge probe, deleted at once`
    checks.push({
      id: 'write_journal',
      assumption: `a test entry may be booked in sales journal ${journal}`,
      observed: `${net} + ${vat} VAT (code ${vatCode}) as ${marker}`,
      ok: true,
      serviceAction: 'deletes it again below',
    })

    const answer = await bookProbeEntry(client, 'sales', {
      journal,
      relationId,
      glAccountId: String(gl.ID),
      vatCode,
      yourRef: marker,
      description,
      net,
      vat,
      paymentCondition: discount?.exactCode ?? undefined,
    })
    const back = await readEntry(client, 'sales', answer.entryId)
    const gross = toMoney(new Big(net).plus(vat))
    checks.push({
      id: 'post_totals',
      assumption: "the POST answer carries the entry's totals",
      observed: `answer ${answer.amount ?? 'null'}, read back ${back.amount ?? 'null'} (expected ${gross})`,
      ok: answer.amount === gross,
      serviceAction: 'reads the entry back after its POST and never takes a zero total as paid',
    })
    checks.push({
      id: 'vat_base',
      assumption: 'a sent VATBaseAmountFC is kept on the line',
      observed: `read back ${back.lineVatBases.join(', ') || 'none'} (sent ${net})`,
      ok: back.lineVatBases[0] === net,
      serviceAction: 'sends VATBaseAmountFC with VATAmountFC on every line',
    })
    checks.push({
      id: 'entry_type',
      assumption: 'a sales invoice reads back as Type 20',
      observed: `Type ${back.type ?? 'null'}`,
      ok: back.type === 20,
      serviceAction: 'flags an entry whose Type does not match its sign (21/31 for credit notes)',
    })
    if (discount) {
      const item = await readOpenItemFields(client, 'sales', answer.entryId)
      checks.push({
        id: 'open_item_discount',
        assumption: `the open item offers condition ${discount.exactCode}'s discount from booking on (AmountDiscountFC)`,
        observed: item ? `AmountDiscountFC ${item.discount ?? 'null'}` : 'no open item',
        ok: item !== null && item.discount !== null && new Big(item.discount).gt(0),
        serviceAction: 'reports a discount only when the item is matched for less than its amount, under either answer',
      })
    }
    const first = await deleteAndObserve(client, 'sales', answer.entryId)
    checks.push({
      id: 'delete',
      assumption: 'DELETE of the test entry answers 204',
      observed: first.status === 204 ? '204' : `${first.status}: ${first.message}`,
      ok: first.status === 204,
      serviceAction:
        first.status === 204
          ? 'nothing is left booked'
          : `entry ${answer.entryNumber} is still booked: delete it in Exact`,
    })
    const second = await deleteAndObserve(client, 'sales', answer.entryId)
    checks.push({
      id: 'delete_again',
      assumption: `a second DELETE of a deleted entry answers ${EXPECTED_SECOND_DELETE}`,
      observed: second.status === 204 ? '204' : `${second.status}: ${second.message}`,
      ok: second.status === EXPECTED_SECOND_DELETE,
      serviceAction: 'undo treats 403 and 404 alike as "maybe gone" and checks with a GET before answering',
    })
  }
}

function describeFilter(answer: Awaited<ReturnType<typeof tryFilter>>): string {
  return answer.accepted ? 'accepted' : `refused (${answer.status}: ${answer.message})`
}

/** Exact documents `Percentage` as a fraction but says nothing of `DiscountPercentage`: a value above 1 can only be a percent. */
function scaleCheck(conditions: RawPaymentCondition[], adapt: ProbeAdaptations): Check {
  const values = conditions.map((c) => c.discountPercentage).filter((v): v is number => v !== null && v > 0)
  if (values.length > 0) adapt.discountPercentScale = values.some((v) => v > 1) ? 'percent' : 'fraction'
  return {
    id: 'discount_scale',
    assumption: 'PaymentConditions.DiscountPercentage is a fraction (0.02 = 2 %)',
    observed:
      values.length === 0
        ? 'no discount conditions'
        : conditions.map((c) => `${c.code}: ${c.discountPercentage}`).join(', '),
    ok: adapt.discountPercentScale !== 'percent',
    serviceAction: "reads a value above 1 as a percent, and this tenant's scale from this finding",
  }
}

/** The printed table (npm run exact:probe): assumption, observed, OK or MISMATCH, what the service does. */
export function formatProbeReport(r: ProbeReport): string {
  const rows = r.checks.map((c) => [c.assumption, c.observed, c.ok ? 'OK' : 'MISMATCH', c.serviceAction])
  const head = ['assumption', 'observed', 'result', 'what the service does']
  const cell = (s: string) => s.replace(/\|/g, '\\|')
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ]
  const summary = `division ${r.division}, ${r.exactCalls} Exact calls, ${r.errorAnswers} error answers, ${r.write ? 'with' : 'without'} the write checks: ${r.allHold ? 'all hold' : 'MISMATCH found'}`
  return `${lines.join('\n')}\n\n${summary}`
}
