import { Type, type Static } from '@sinclair/typebox'
import { REGIONS } from '../../domain/region'
import type { ConnectionState } from '../../services/connection-service'
import type { ExactWebhookStatus } from '../../services/exact-webhook-service'
import { DateTime, Nullable, StringEnum } from './common'

export const RegionSchema = StringEnum(REGIONS, {
  description:
    "The Exact Online country site of the tenant's account: nl .nl, be .be, de .de, uk .co.uk, fr .fr, es .es, us .com",
})

export const AuthorizationSchema = Type.Object(
  { authorizeUrl: Type.String(), region: RegionSchema, expiresAt: DateTime() },
  { $id: 'Authorization', additionalProperties: false },
)

export const ConnectionSchema = Type.Object(
  {
    status: StringEnum(['connected', 'division_required', 'reauthorize_needed', 'disconnected']),
    region: Type.Union([RegionSchema, Type.Null()]),
    division: Nullable(Type.Integer()),
    baseUrl: Nullable(Type.String()),
    accessTokenExpiresAt: Nullable(DateTime()),
    refreshTokenExpiresAt: Nullable(
      DateTime({
        description: 'When the refresh token dies unless spent; the daily keep-alive spends it after 20 days',
      }),
    ),
    connectedAt: Nullable(DateTime()),
    lastError: Nullable(Type.String()),
    exactWebhooks: Type.Object(
      {
        enabled: Type.Boolean({ description: 'EXACT_WEBHOOK_SECRET and EXACT_WEBHOOK_URL are set' }),
        subscriptions: Type.Array(
          Type.Object(
            {
              topic: Type.String(),
              division: Type.Integer(),
              status: StringEnum(['subscribed', 'shared', 'failed'], {
                description:
                  'shared: the subscription exists for this division already (another tenant on it, or an earlier connection)',
              }),
              error: Nullable(Type.String()),
              createdAt: DateTime(),
            },
            { additionalProperties: false },
          ),
        ),
        lastEvent: Type.Union([
          Type.Object(
            {
              at: DateTime(),
              topic: Type.String(),
              action: Type.String(),
              key: Type.String(),
              received: Type.Integer({ description: 'Events received for this tenant in all' }),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
      },
      {
        additionalProperties: false,
        description: 'Exact Online webhooks: the subscriptions made and the last event received',
      },
    ),
  },
  { $id: 'Connection', additionalProperties: false },
)
export type ConnectionView = Static<typeof ConnectionSchema>

export const DivisionSchema = Type.Object(
  {
    division: Type.Integer(),
    name: Type.String(),
    country: Nullable(Type.String()),
    current: Type.Boolean({
      description: 'The administration the user last opened in Exact (current/Me.CurrentDivision)',
    }),
  },
  { $id: 'Division', additionalProperties: false },
)

export const OAuthCallbackSchema = Type.Object(
  { status: StringEnum(['connected', 'division_required']), division: Nullable(Type.Integer()) },
  { $id: 'OAuthCallback', additionalProperties: false },
)

export function toConnectionView(c: ConnectionState, webhooks: ExactWebhookStatus): ConnectionView {
  const exactWebhooks = {
    enabled: webhooks.enabled,
    subscriptions: webhooks.subscriptions.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })),
    lastEvent: webhooks.lastEvent ? { ...webhooks.lastEvent, at: webhooks.lastEvent.at.toISOString() } : null,
  }
  if (c.status === 'disconnected') {
    return {
      status: 'disconnected',
      region: null,
      division: null,
      baseUrl: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      connectedAt: null,
      lastError: null,
      exactWebhooks,
    }
  }
  return {
    status: c.status,
    region: c.region,
    division: c.division,
    baseUrl: c.baseUrl,
    accessTokenExpiresAt: c.accessTokenExpiresAt.toISOString(),
    refreshTokenExpiresAt: c.refreshTokenExpiresAt.toISOString(),
    connectedAt: c.connectedAt.toISOString(),
    lastError: c.lastError,
    exactWebhooks,
  }
}
