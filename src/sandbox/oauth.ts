import type { FastifyInstance, FastifyReply } from 'fastify'
import type { OAuthStore } from './oauth-store'

function htmlError(reply: FastifyReply, text: string): FastifyReply {
  return reply
    .code(400)
    .type('text/html; charset=utf-8')
    .send(`<!DOCTYPE html><html><body><h1>Exact Online sandbox</h1><p>${text}</p></body></html>`)
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '')
  if (!m) return undefined
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
}

/**
 * `GET /api/oauth2/auth` approves at once (no login page); `POST /api/oauth2/token` takes a form body.
 * Sandbox-only authorize parameters: `division=<n>` (reuse or create that division), `divisions=<n>,<m>`
 * (the grant reaches those; the last is current/Me.CurrentDivision) and
 * `language=en-GB|nl-NL` (the user's language for business messages; default nl-NL).
 */
export function registerOAuthRoutes(app: FastifyInstance, store: OAuthStore): void {
  app.get('/api/oauth2/auth', async (request, reply) => {
    const query = new URLSearchParams(request.raw.url?.split('?')[1] ?? '')
    const clientId = query.get('client_id') ?? undefined
    const redirectUri = query.get('redirect_uri')
    if (!redirectUri || !/^https?:\/\//i.test(redirectUri))
      return htmlError(reply, 'redirect_uri is missing or invalid.')
    if (query.get('response_type') !== 'code') return htmlError(reply, 'Only response_type=code is supported.')
    if (!store.clientAllowed(clientId, undefined, false)) return htmlError(reply, 'Unknown client_id.')
    const divisionParam = query.get('division')
    const divisionsParam = query.get('divisions')
    if (divisionParam !== null && divisionsParam !== null)
      return htmlError(reply, 'Give division or divisions, not both.')
    const listed = divisionsParam ?? divisionParam
    const divisions = listed === null ? [] : listed.split(',').map((d) => d.trim())
    if (divisions.some((d) => !/^\d{1,9}$/.test(d)))
      return htmlError(reply, 'division(s) must be numbers, comma-separated.')
    const language = query.get('language') ?? 'nl-NL'
    const code = store.issueCode(clientId as string, redirectUri, divisions.map(Number), language)
    const target = new URL(redirectUri)
    target.searchParams.set('code', code)
    const state = query.get('state')
    if (state !== null) target.searchParams.set('state', state)
    return reply.code(302).header('location', target.toString()).send()
  })

  app.post('/api/oauth2/token', async (request, reply) => {
    const contentType = String(request.headers['content-type'] ?? '')
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      store.record('', 'invalid_request', 400, null)
      return reply
        .code(400)
        .type('application/json; charset=utf-8')
        .send(
          JSON.stringify({
            error: 'invalid_request',
            error_description: 'Content-Type must be application/x-www-form-urlencoded.',
          }),
        )
    }
    const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '')
    const answer = store.token(form, basicCredentials(request.headers.authorization))
    return reply
      .code(answer.status)
      .headers({ ...answer.headers, 'cache-control': 'no-store' })
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(answer.body))
  })
}
