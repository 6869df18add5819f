import type { ExactClient } from './client'
import { optionalString } from './wire'

/** An administration the grant can reach (system/Divisions). */
export interface ExactDivision {
  division: number
  name: string
  country: string | null
}

/**
 * system/Divisions lists the divisions this user's grant may use: since 2021 the consent screen
 * lets the user leave some out, so this, not current/Me, says where the app may book. Any
 * reachable division number works in its path (picqer #470); pass a client for one.
 */
export async function listDivisions(client: ExactClient): Promise<ExactDivision[]> {
  const rows = await client.list('system/Divisions', { $select: 'Code,Description,Country' })
  return rows.flatMap((r) => {
    const division = Number(r.Code)
    if (!Number.isInteger(division) || division <= 0) return []
    return [{ division, name: String(r.Description ?? '').trim(), country: optionalString(r.Country)?.trim() || null }]
  })
}
