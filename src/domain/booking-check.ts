import { sameCode, type ChartOfAccounts } from './chart'
import type { Entry } from './entry'
import type { Settings } from './settings'
import { checkAdjustmentVatCode, conditionCalculationProblems } from './settings-check'
import type { JsonPointer } from './types'

export interface BookingProblem {
  /** Into the invoice (`/currency`) or, for settings_invalid, into the settings (`/paymentConditions/1/exactCode`). */
  field: JsonPointer
  code: 'mapping_missing' | 'settings_invalid'
  message: string
}

/**
 * What only the administration's chart can say about one entry, checked right before it is sent
 * (the chart may have changed since the settings were stored): a journal that books only its own
 * currency (AllowVariableCurrency off) refuses the entry with a 500 otherwise; a discount-for-cash
 * condition Exact computes against the Belgian rule must carry nothing; the lines outside the VAT
 * base need a code that reports no base. Codes the chart lacks are the connector's to name.
 */
export function checkEntryAgainstChart(entry: Entry, chart: ChartOfAccounts, settings: Settings): BookingProblem[] {
  const problems: BookingProblem[] = []
  const journal = chart.journals.find((j) => sameCode(j.code, entry.journal))
  if (
    journal &&
    journal.allowVariableCurrency === false &&
    journal.currency !== null &&
    journal.currency !== entry.currency
  ) {
    problems.push({
      field: '/currency',
      code: 'mapping_missing',
      message:
        `journal ${journal.code} (${journal.description}) books only ${journal.currency} (AllowVariableCurrency is off in Exact); ` +
        `a ${entry.currency} invoice needs a ${entry.type} journal that allows other currencies (/${entry.type}/journal)`,
    })
  }
  if (entry.paymentConditionCode !== undefined) {
    const index = settings.paymentConditions.findIndex((c) => sameCode(c.exactCode, entry.paymentConditionCode ?? ''))
    const exact = chart.paymentConditions.find((c) => sameCode(c.code, entry.paymentConditionCode ?? ''))
    if (exact) {
      for (const p of conditionCalculationProblems(exact, `/paymentConditions/${index}`))
        problems.push({ ...p, code: 'settings_invalid' })
    }
  }
  const adjustmentCodes = new Set(entry.lines.filter((l) => l.adjustment !== undefined).map((l) => l.vatCode.trim()))
  for (const code of adjustmentCodes) {
    for (const p of checkAdjustmentVatCode(entry.type, code, `/${entry.type}/adjustmentVatCode`, chart)) {
      // An unknown code is the connector's ExactMappingError to report, with the line it is on.
      if (p.code !== 'unknown_vat_code') problems.push({ ...p, code: 'settings_invalid' })
    }
  }
  return problems
}

/**
 * Whether the chart knows every code the entry names (journal, GL accounts, VAT codes). A cached
 * chart that does not may be older than the bookkeeper's new account: read it again first.
 */
export function chartKnowsEntryCodes(entry: Entry, chart: ChartOfAccounts): boolean {
  const has = (codes: ReadonlyArray<{ code: string }>, code: string) => codes.some((c) => sameCode(c.code, code))
  return (
    has(chart.journals, entry.journal) &&
    entry.lines.every((l) => has(chart.glAccounts, l.glAccount) && has(chart.vatCodes, l.vatCode))
  )
}
