import { Type } from '@sinclair/typebox'
import { Uuid } from './common'

export const CreateTenantSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
)

export const CreatedTenantSchema = Type.Object(
  {
    id: Uuid(),
    name: Type.String(),
    apiKey: Type.String({ description: 'Shown once; only its hash is stored' }),
  },
  { $id: 'CreatedTenant', additionalProperties: false },
)
