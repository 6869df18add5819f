import type { FastifyInstance, FastifyReply } from 'fastify'
import { controlError, divisionOr404 } from './control-helpers'
import { entryView, sha256 } from './control-divisions'
import { deleteEntry } from './entry-delete'
import { editEntry } from './entry-edit'
import { ExactError } from './errors'
import { findEntry, type Ledger } from './ledger'
import type { Division, Entry } from './model'
import type { SandboxState } from './state'
import { termState } from './terms'

/** A bookkeeper works in Exact's UI: English messages, the sandbox clock, and the same webhooks as the API. */
function bookkeeper(state: SandboxState, division: Division): Ledger {
  return {
    division,
    ids: state.ids,
    lang: 'en',
    now: state.clock.now(),
    behaviour: state.behaviour,
    emit: state.emitter(division),
  }
}

function entryOr404(division: Division, reply: FastifyReply, id: string): Entry | null {
  const entry = findEntry(division, null, id)
  if (!entry) controlError(reply, 404, 'entry_not_found', `No live entry ${id}.`)
  return entry ?? null
}

/** What a bookkeeper does to booked entries in Exact's UI: edit one, delete one; and the documents view. */
export function registerEntryControl(app: FastifyInstance, state: SandboxState): void {
  app.patch<{ Params: { d: string; id: string } }>('/_sandbox/divisions/:d/entries/:id', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    const entry = division && entryOr404(division, reply, request.params.id)
    if (!division || !entry) return reply
    try {
      const problem = editEntry(bookkeeper(state, division), entry, (request.body ?? {}) as Record<string, unknown>)
      if (problem) return controlError(reply, problem.status, problem.error, problem.message)
    } catch (error) {
      if (!(error instanceof ExactError)) throw error
      return controlError(reply, 400, 'invalid_edit', error.message)
    }
    return entryView(division, entry)
  })

  /** As Exact refuses to delete a matched entry (README "Entries"), so does the bookkeeper (409). */
  app.delete<{ Params: { d: string; id: string } }>('/_sandbox/divisions/:d/entries/:id', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    const entry = division && entryOr404(division, reply, request.params.id)
    if (!division || !entry) return reply
    if (termState(entry).matched) return controlError(reply, 409, 'entry_matched', 'The entry is matched to a payment.')
    deleteEntry(bookkeeper(state, division), entry)
    return entryView(division, entry)
  })

  /** Every document with its attachments' names, sizes and SHA-256; `?content=base64` adds the files. */
  app.get<{ Params: { d: string }; Querystring: { content?: string } }>(
    '/_sandbox/divisions/:d/documents',
    async (request, reply) => {
      const division = divisionOr404(state, reply, request.params.d)
      if (!division) return reply
      const withContent = request.query.content === 'base64'
      return [...division.documents.values()].map((doc) => ({
        ID: doc.ID,
        HID: doc.HID,
        Subject: doc.Subject,
        Type: doc.Type,
        Account: doc.Account,
        Body: doc.Body,
        FinancialTransactionEntryID: doc.FinancialTransactionEntryID,
        linkedBy: [...division.entries.values()]
          .filter((e) => !e.deleted && e.Document === doc.ID)
          .map((e) => e.EntryID),
        attachments: [...division.attachments.values()]
          .filter((a) => a.Document === doc.ID)
          .map((a) => ({
            ID: a.ID,
            FileName: a.FileName,
            FileSize: a.bytes.length,
            sha256: sha256(a.bytes),
            ...(withContent ? { base64: a.bytes.toString('base64') } : {}),
          })),
      }))
    },
  )
}
