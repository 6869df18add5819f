import type { ExactClient } from './client'
import { ExactUnavailableError } from './errors'
import { optionalString } from './wire'

/** Who the token belongs to and which division it opens (current/Me has no division in its path). */
export interface ExactMe {
  division: number
  fullName: string | null
  userName: string | null
  email: string | null
  languageCode: string | null
  legislation: string | null
}

export async function getCurrentDivision(client: ExactClient): Promise<ExactMe> {
  const me = await client.get('current/Me', {
    $select: 'CurrentDivision,FullName,UserName,Email,LanguageCode,Legislation',
  })
  const division = Number(me?.CurrentDivision)
  if (!me || !Number.isInteger(division) || division <= 0) {
    throw new ExactUnavailableError({
      reason: 'bad_response',
      resource: 'current/Me',
      message: 'no CurrentDivision in the answer',
    })
  }
  return {
    division,
    fullName: optionalString(me.FullName),
    userName: optionalString(me.UserName),
    email: optionalString(me.Email),
    languageCode: optionalString(me.LanguageCode),
    legislation: optionalString(me.Legislation),
  }
}
