import { Type, type Static } from '@sinclair/typebox'
import { DateTime, Nullable, Ref } from './common'
import type { ApiKeyRecord } from '../../services/tenant-service'

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    createdAt: DateTime(),
    lastUsedAt: Nullable(DateTime({ description: 'To within a minute; null when never used' })),
  },
  { $id: 'ApiKey', additionalProperties: false },
)
export type ApiKey = Static<typeof ApiKeySchema>

export const ApiKeyListSchema = Type.Object(
  { items: Type.Array(Ref(ApiKeySchema)) },
  { $id: 'ApiKeyList', additionalProperties: false },
)

export const CreatedApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    createdAt: DateTime(),
    apiKey: Type.String({ description: 'Shown once; only its hash is stored' }),
  },
  { $id: 'CreatedApiKey', additionalProperties: false },
)

export function toApiKeyView(k: ApiKeyRecord): ApiKey {
  return { id: k.id, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null }
}
