import { Type } from '@sinclair/typebox'
import { BulkJobSummarySchema } from '../../domain/bulk-job'
import { Ref } from './common'

export const BulkJobListSchema = Type.Object({ items: Type.Array(Ref(BulkJobSummarySchema)) }, { $id: 'BulkJobList', additionalProperties: false })
