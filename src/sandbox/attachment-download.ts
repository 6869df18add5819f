import type { FastifyInstance } from 'fastify'
import type { OAuthStore } from './oauth-store'
import type { SandboxState } from './state'

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
}

/**
 * `GET /docs/SysAttachment.aspx?ID=…&_Division_=…&Download=1`: an attachment's `Url`; "append &Download=1
 * to get the file in its original format" (picqer DocumentAttachment.php), fetched with the bearer token
 * (picqer Downloadable.php). The sandbox gives the file with or without Download=1; not counted or limited.
 */
export function registerAttachmentDownload(app: FastifyInstance, state: SandboxState, oauth: OAuthStore): void {
  app.get('/docs/SysAttachment.aspx', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const auth = oauth.authenticate(request.headers.authorization)
    if (!auth.ok) return reply.code(401).send('Unauthorized')
    const divisionId = Number(query._Division_)
    const division = auth.grant.divisions.includes(divisionId) ? state.division(divisionId) : undefined
    const attachment = division?.attachments.get(String(query.ID ?? '').toLowerCase())
    if (!attachment) return reply.code(404).send('Not found')
    const extension = attachment.FileName.split('.').pop()?.toLowerCase() ?? ''
    return reply
      .type(TYPES[extension] ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${attachment.FileName.replace(/"/g, '')}"`)
      .send(attachment.bytes)
  })
}
