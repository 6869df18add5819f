import { Type, type Static } from '@sinclair/typebox'
import type { SettingsProposal, SettingsService } from '../../services/settings-service'
import { DateTime } from './common'

/** GET /settings/proposal: what was proposed from Exact, kept apart from the settings GET/PUT shape. */
export const SettingsProposalSchema = Type.Object(
  {
    proposed: Type.Array(Type.String(), {
      description:
        'JSON pointers of values proposed from the Exact administration and not changed by the tenant since ("please confirm")',
    }),
    proposalProblems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() }), {
      description:
        'What the last proposal left out and why, e.g. a payment condition nothing may be booked on until it is fixed in Exact ' +
        '(field points at the condition by its Exact code). Empty after a PUT or PATCH',
    }),
    updatedAt: DateTime(),
  },
  { $id: 'SettingsProposal', additionalProperties: false },
)

export function toSettingsProposalView(p: SettingsProposal): Static<typeof SettingsProposalSchema> {
  return { proposed: p.proposed, proposalProblems: p.proposalProblems, updatedAt: p.updatedAt.toISOString() }
}

export const ChartRefreshSchema = Type.Object(
  {
    fetchedAt: DateTime(),
    journals: Type.Integer(),
    glAccounts: Type.Integer(),
    vatCodes: Type.Integer(),
    paymentConditions: Type.Integer(),
  },
  { $id: 'ChartRefresh', additionalProperties: false },
)

export function toChartRefreshView(
  r: Awaited<ReturnType<SettingsService['refreshChart']>>,
): Static<typeof ChartRefreshSchema> {
  return { ...r, fetchedAt: r.fetchedAt.toISOString() }
}
