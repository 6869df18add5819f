import { createHash, randomBytes } from 'node:crypto'
import { connectTenant, createTenant, sandboxJson, startHarness, type Harness } from '../helpers/harness'
import { makeInvoice } from '../helpers/factories'
import { connectedTenant, type TenantApi } from '../helpers/tenant-api'
import { makeBulkInvoices, makeParties, putInvoices, waitForJob, api } from '../helpers/bulk-fixtures'
import { startBulkWorker, type BulkWorker } from '../../src/jobs/bulk-worker'
import { recoverPendingExports } from '../../src/jobs/export-recovery'
import { createLogger } from '../../src/logger'

/** A small file that is a PDF as far as anyone checks (the header), with random bytes so no two are alike. */
function makePdf(bytes = 4_000): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes), Buffer.from('\n%%EOF\n')])
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('the invoice document in Exact (issue 13, item 3)', () => {
  let h: Harness
  let tenant: TenantApi
  let worker: BulkWorker
  const putPdf = (invoiceId: string, body: Buffer | string, contentType = 'application/pdf', query = '') =>
    h.app.inject({
      method: 'PUT',
      url: `/invoices/${invoiceId}/document${query}`,
      headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': contentType },
      payload: body,
    })
  const documents = () => sandboxJson<any[]>(h, `/_sandbox/divisions/${tenant.division}/documents?content=base64`)
  const stats = () => sandboxJson<{ calls: number; byResource: Record<string, number> }>(h, '/_sandbox/stats')
  const storedDocs = () =>
    h.database.db.selectFrom('invoice_documents').select(['invoice_id']).where('tenant_id', '=', tenant.id).execute()
  async function stored(id: string, invoice = makeInvoice()) {
    expect((await tenant.put(id, invoice)).statusCode).toBe(201)
    return invoice
  }

  beforeAll(async () => {
    h = await startHarness({ unlimited: true })
    tenant = await connectedTenant(h, 'Documented BV')
    worker = startBulkWorker({ bulk: h.services.bulk, logger: createLogger('silent'), pollMs: 100 })
  })
  afterAll(async () => {
    await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} }).catch(() => undefined)
    await worker?.stop()
    await h?.close()
  })

  it('a PDF put before the export is in the sandbox ledger, byte for byte, linked to the entry', async () => {
    const invoice = await stored('doc-1')
    const pdf = makePdf(50_000)
    const put = await putPdf('doc-1', pdf, 'application/pdf', '?fileName=Factuur%202026.pdf')
    expect(put.statusCode).toBe(201)
    expect(put.json()).toMatchObject({
      invoiceId: 'doc-1',
      size: pdf.length,
      sha256: sha256(pdf),
      fileName: 'Factuur 2026.pdf',
      invoiceVersion: 1,
      export: null,
    })
    // The document is no booked figure: the invoice's version and hash stay.
    expect((await tenant.call('GET', '/invoices/doc-1')).json().version).toBe(1)
    const got = await h.app.inject({
      method: 'GET',
      url: '/invoices/doc-1/document',
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    })
    expect(got.statusCode).toBe(200)
    expect(got.headers['content-type']).toBe('application/pdf')
    expect(got.rawPayload.equals(pdf)).toBe(true)

    const exported = await tenant.exportIt('doc-1')
    expect(exported.statusCode).toBe(201)
    expect(exported.json().document).toMatchObject({
      status: 'attached',
      exactDocumentId: expect.any(String),
      exactAttachmentId: expect.any(String),
      error: null,
    })

    const entry = await tenant.entryFor(invoice.number)
    const doc = (await documents()).find((d) => d.ID === exported.json().document.exactDocumentId)
    expect(entry.Document).toBe(doc.ID)
    expect(doc.linkedBy).toEqual([entry.EntryID])
    expect(doc.Type).toBe(10)
    expect(doc.Account).toBe(exported.json().relation.id)
    expect(doc.attachments).toHaveLength(1)
    expect(doc.attachments[0]).toMatchObject({
      FileName: 'Factuur 2026.pdf',
      FileSize: pdf.length,
      sha256: sha256(pdf),
    })
    expect(Buffer.from(doc.attachments[0].base64, 'base64').equals(pdf)).toBe(true)
    expect(entry.documentFiles).toEqual([expect.objectContaining({ sha256: sha256(pdf) })])

    // Exporting again changes nothing: the same export, the same one document.
    const again = await tenant.exportIt('doc-1')
    expect(again.statusCode).toBe(200)
    expect((await documents()).filter((d) => d.linkedBy.includes(entry.EntryID))).toHaveLength(1)
  })

  it('refuses another media type (415), a body that is no PDF (415), too large (413) and an unknown invoice (404) as problem+json, storing nothing', async () => {
    await stored('doc-bad')
    const before = await storedDocs()
    const json = await putPdf('doc-bad', JSON.stringify({ a: 1 }), 'application/json')
    expect(json.statusCode).toBe(415)
    expect(json.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(json.json()).toMatchObject({
      code: 'unsupported_media_type',
      field: 'header/content-type',
      detail: expect.stringContaining('application/pdf'),
    })

    const notPdf = await putPdf('doc-bad', Buffer.from('GIF89a not a pdf at all'))
    expect(notPdf.statusCode).toBe(415)
    expect(notPdf.json()).toMatchObject({
      code: 'unsupported_media_type',
      field: 'body',
      detail: expect.stringContaining('%PDF-'),
    })

    const limit = h.services.documents.maxBytes
    const tooLarge = await putPdf('doc-bad', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(limit)]))
    expect(tooLarge.statusCode).toBe(413)
    expect(tooLarge.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(tooLarge.json()).toMatchObject({
      code: 'payload_too_large',
      field: 'body',
      detail: expect.stringContaining(String(limit)),
      details: { limit },
    })

    const unknown = await putPdf('doc-nobody', makePdf())
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({ code: 'not_found' })
    expect((await tenant.call('GET', '/invoices/doc-bad/document')).statusCode).toBe(404)
    expect(await storedDocs()).toEqual(before)
  })

  it('an administration outside NL/BE takes 7 MB: a larger PDF is a 413 naming that limit, nothing stored', async () => {
    const { division } = await sandboxJson<{ division: number }>(h, '/_sandbox/divisions', {
      method: 'POST',
      body: { country: 'DE', description: 'GmbH' },
    })
    const other = await createTenant(h, 'Deutsch GmbH')
    await connectTenant(h, other.apiKey, { consent: { division: String(division) } })
    const call = (method: 'PUT', url: string, payload: unknown, type = 'application/json') =>
      h.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': type },
        payload: payload as never,
      })
    expect((await call('PUT', '/invoices/de-1', makeInvoice())).statusCode).toBe(201)
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(7_000_000)])
    const refused = await call('PUT', '/invoices/de-1/document', big, 'application/pdf')
    expect(refused.statusCode).toBe(413)
    expect(refused.json()).toMatchObject({
      code: 'payload_too_large',
      field: 'body',
      details: { limit: 7_000_000 },
      detail: expect.stringContaining('DE'),
    })
    expect(
      await h.database.db
        .selectFrom('invoice_documents')
        .select('invoice_id')
        .where('tenant_id', '=', other.id)
        .execute(),
    ).toEqual([])
    expect((await call('PUT', '/invoices/de-1/document', makePdf(), 'application/pdf')).statusCode).toBe(201)
  })

  it('a document put after the export is attached to the entry it has, without a second booking; a new PDF replaces it', async () => {
    const invoice = await stored('doc-after')
    const exported = await tenant.exportIt('doc-after')
    expect(exported.statusCode).toBe(201)
    expect(exported.json().document).toBeNull()
    const entriesBefore = (await tenant.entries()).filter((e) => e.YourRef === invoice.number)

    const pdf = makePdf()
    const put = await putPdf('doc-after', pdf)
    expect(put.statusCode).toBe(201)
    expect(put.json().export).toMatchObject({
      id: exported.json().id,
      status: 'exported',
      changedSinceExport: false,
      document: { status: 'attached' },
    })
    expect((await tenant.entries()).filter((e) => e.YourRef === invoice.number)).toEqual([
      expect.objectContaining({
        EntryID: entriesBefore[0].EntryID,
        Document: put.json().export.document.exactDocumentId,
        documentFiles: [expect.objectContaining({ sha256: sha256(pdf) })],
      }),
    ])

    // The same PDF again: nothing to do in Exact.
    const callsBefore = (await stats()).calls
    expect((await putPdf('doc-after', pdf)).json().export.document).toMatchObject({ status: 'attached' })
    expect((await stats()).calls).toBe(callsBefore)

    const second = makePdf()
    const replaced = await putPdf('doc-after', second)
    expect(replaced.statusCode).toBe(200)
    const entry = await tenant.entryFor(invoice.number)
    expect(entry.EntryID).toBe(entriesBefore[0].EntryID)
    expect(entry.documentFiles).toEqual([expect.objectContaining({ sha256: sha256(second) })])
    const docsForInvoice = (await documents()).filter((d) => d.Subject.endsWith(invoice.number))
    expect(docsForInvoice).toHaveLength(1)
  })

  it('undo removes the document in Exact with the entry; replace attaches it again to the new entry', async () => {
    const invoice = await stored('doc-undo')
    const pdf = makePdf()
    await putPdf('doc-undo', pdf)
    const first = (await tenant.exportIt('doc-undo')).json()
    expect(first.document.status).toBe('attached')

    await tenant.put('doc-undo', { ...invoice, description: 'Consulting November, corrected' })
    const replaced = await tenant.exportIt('doc-undo', '?replace=true')
    expect(replaced.statusCode).toBe(201)
    expect(replaced.json().document).toMatchObject({ status: 'attached' })
    const docs = await documents()
    expect(docs.find((d) => d.ID === first.document.exactDocumentId)).toBeUndefined()
    const entry = await tenant.entryFor(invoice.number)
    expect(entry.Document).toBe(replaced.json().document.exactDocumentId)
    expect(entry.documentFiles[0].sha256).toBe(sha256(pdf))

    const undone = await tenant.call('DELETE', `/exports/${replaced.json().id}`)
    expect(undone.statusCode).toBe(200)
    expect(undone.json().document).toMatchObject({ status: 'removed' })
    expect((await documents()).find((d) => d.ID === replaced.json().document.exactDocumentId)).toBeUndefined()
    expect((await tenant.entries()).filter((e) => e.YourRef === invoice.number && !e.deleted)).toEqual([])
  })

  it('undo is right when Exact deletes the document with the entry itself (documentOnEntryDelete: deleted): no error answer', async () => {
    await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { documentOnEntryDelete: 'deleted' } })
    try {
      await stored('doc-undo-2')
      await putPdf('doc-undo-2', makePdf())
      const exp = (await tenant.exportIt('doc-undo-2')).json()
      const before = await sandboxJson<{ errorAnswers: number }>(h, '/_sandbox/stats')
      const undone = await tenant.call('DELETE', `/exports/${exp.id}`)
      expect(undone.statusCode).toBe(200)
      expect(undone.json()).toMatchObject({ status: 'undone', document: { status: 'removed' } })
      expect((await sandboxJson<{ errorAnswers: number }>(h, '/_sandbox/stats')).errorAnswers).toBe(before.errorAnswers)
      expect((await documents()).find((d) => d.ID === exp.document.exactDocumentId)).toBeUndefined()
    } finally {
      await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { documentOnEntryDelete: 'kept' } })
    }
  })

  it("a refused attachment leaves the booking exported and says failed with Exact's words", async () => {
    await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { attachmentMaxBytes: 1_000 } })
    try {
      const invoice = await stored('doc-refused')
      await putPdf('doc-refused', makePdf(5_000))
      const exp = await tenant.exportIt('doc-refused')
      expect(exp.statusCode).toBe(201)
      expect(exp.json()).toMatchObject({
        status: 'exported',
        document: { status: 'failed', error: expect.stringMatching(/too large|te groot/i) },
      })
      expect((await tenant.entryFor(invoice.number)).Document).toBeNull()
    } finally {
      await sandboxJson(h, '/_sandbox/behaviour', { method: 'PUT', body: { attachmentMaxBytes: 0 } })
    }
  })

  it('50 exports with lost answers (document POST, attachment POST, entry link): 50 documents, none twice', async () => {
    const pdfs = new Map<string, Buffer>()
    const numbers = new Map<string, string>()
    for (let i = 0; i < 50; i++) {
      const id = `doc-lost-${i}`
      const invoice = await stored(id, makeInvoice({ number: `L-${i}` }))
      numbers.set(id, invoice.number)
      const pdf = makePdf(2_000)
      pdfs.set(id, pdf)
      expect((await putPdf(id, pdf)).statusCode).toBe(201)
    }
    const docsBefore = (await documents()).length
    await sandboxJson(h, '/_sandbox/faults', {
      method: 'PUT',
      body: { timeoutAfterCommitRate: 0.3, errorRate: 0.05, seed: 13, retryAfterSeconds: 1 },
    })
    let lost = 0
    try {
      for (const id of pdfs.keys()) {
        for (let attempt = 0; ; attempt++) {
          const res = await tenant.exportIt(id)
          if (res.statusCode === 200 || res.statusCode === 201) break
          expect(res.statusCode).toBeGreaterThanOrEqual(500)
          if (attempt > 30) throw new Error(`${id} never exported`)
        }
      }
      // What a lost answer left pending, the recovery pass finishes, under the same faults.
      for (let pass = 0; pass < 40; pass++) {
        const summary = await recoverPendingExports({
          exports: h.services.exports,
          documents: h.services.documents,
          logger: createLogger('silent'),
        })
        if ((summary.documents?.examined ?? 0) === 0 && summary.examined === 0) break
        lost += summary.documents?.examined ?? 0
      }
    } finally {
      await sandboxJson(h, '/_sandbox/faults', { method: 'PUT', body: {} })
    }
    const faults = (await sandboxJson<{ faults: { timeouts: number } }>(h, '/_sandbox/stats')).faults
    expect(faults.timeouts).toBeGreaterThan(10)
    expect(lost).toBeGreaterThan(0)

    const docs = (await documents()).filter((d) => /L-\d+$/.test(d.Subject))
    expect(docs.length).toBe((await documents()).length - docsBefore)
    expect(docs).toHaveLength(50)
    const entries = (await tenant.entries()).filter((e) => !e.deleted && e.YourRef.startsWith('L-'))
    expect(entries).toHaveLength(50)
    for (const [id, pdf] of pdfs) {
      const entry = entries.find((e) => e.YourRef === numbers.get(id))
      const doc = docs.find((d) => d.ID === entry.Document)
      expect([id, doc?.attachments.length, doc?.attachments[0]?.sha256, doc?.linkedBy]).toEqual([
        id,
        1,
        sha256(pdf),
        [entry.EntryID],
      ])
      expect((await tenant.call('GET', `/invoices/${id}/export`)).json().document).toMatchObject({
        status: 'attached',
        exactDocumentId: doc.ID,
      })
    }
  }, 300_000)

  it('bulk export attaches too: calls per invoice, counted by the sandbox', async () => {
    const parties = makeParties(4, 'BD')
    // Purchase invoices: the sales ones of the tests above that are not booked stay out of this job.
    const invoices = makeBulkInvoices(40, parties, 'BD', { type: 'purchase' })
    await putInvoices(h.url, tenant.apiKey, invoices)
    const pdfs = new Map(invoices.map(({ id }) => [id, makePdf(3_000)]))
    for (const [id, pdf] of pdfs) expect((await putPdf(id, pdf)).statusCode).toBe(201)
    const before = await stats()
    const started = await api(h.url, tenant.apiKey, 'POST', '/exports/bulk', { type: 'purchase' })
    expect(started.status).toBe(202)
    const job = await waitForJob(h.url, tenant.apiKey, started.body.id)
    expect(job).toMatchObject({ status: 'completed', exported: 40, failed: 0 })
    const after = await stats()
    const delta = (key: string) => (after.byResource[key] ?? 0) - (before.byResource[key] ?? 0)
    expect(delta('POST documents/Documents')).toBe(40)
    expect(delta('POST documents/DocumentAttachments')).toBe(40)
    expect(delta('PUT purchaseentry/PurchaseEntries')).toBe(40)
    expect(delta('POST purchaseentry/PurchaseEntries')).toBe(40)
    const perInvoice = (after.calls - before.calls) / 40
    console.log(
      `bulk export with documents: ${after.calls - before.calls} calls for 40 invoices = ${perInvoice.toFixed(2)} per invoice`,
      JSON.stringify(
        Object.fromEntries(
          Object.keys(after.byResource)
            .map((k) => [k, delta(k)])
            .filter(([, n]) => n !== 0),
        ),
      ),
    )
    // Three calls for the document (document, attachment, link) on top of the booking's one and its share of look-ups.
    expect(perInvoice).toBeLessThanOrEqual(4.4)
    const entries = (await tenant.entries()).filter((e) => !e.deleted && e.YourRef.startsWith('BD-'))
    expect(entries).toHaveLength(40)
    for (const { id } of invoices) {
      const entry = entries.find((e) => e.YourRef === id)
      expect([id, entry?.documentFiles?.[0]?.sha256]).toEqual([id, sha256(pdfs.get(id)!)])
    }
  }, 120_000)
})
