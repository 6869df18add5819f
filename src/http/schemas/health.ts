import { Type, type Static } from '@sinclair/typebox'

export const ReadinessSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    database: Type.Boolean(),
    scheduler: Type.Boolean(),
  },
  { $id: 'Readiness', additionalProperties: false },
)

/** What the readiness check reports; GET /readyz adds the status it implies. */
export type Readiness = Omit<Static<typeof ReadinessSchema>, 'status'>
