import { Type } from '@sinclair/typebox'
import { DateTime } from './common'

export const ChartRefreshSchema = Type.Object(
  { fetchedAt: DateTime(), journals: Type.Integer(), glAccounts: Type.Integer(), vatCodes: Type.Integer(), paymentConditions: Type.Integer() },
  { $id: 'ChartRefresh', additionalProperties: false },
)
