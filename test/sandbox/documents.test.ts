import { createHash } from 'node:crypto'
import { attachmentLimit } from '../../src/sandbox/documents'
import { DEFAULT_BEHAVIOUR } from '../../src/sandbox/behaviour'
import type { Division } from '../../src/sandbox/model'
import { connect, connectWithCustomer, useSandbox, type Session } from './sandbox-client'

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe("sandbox documents, attachments and the entry's Document link", () => {
  const sb = useSandbox({ limits: { perMinute: 10_000 } })
  let s: Session
  let revenue: string
  let customer: string
  beforeEach(async () => {
    ;({ s, revenue, customer } = await connectWithCustomer(sb.url))
  })

  const document = async (body: object = { Subject: 'Factuur F-1', Type: 10 }) =>
    s.api('POST', 'documents/Documents', body)
  const attach = (Document: string, bytes: Buffer | string, FileName = 'F-1.pdf') =>
    s.api('POST', 'documents/DocumentAttachments', {
      Document,
      FileName,
      Attachment: typeof bytes === 'string' ? bytes : bytes.toString('base64'),
    })
  const sale = (extra: object = {}) =>
    s.api('POST', 'salesentry/SalesEntries', {
      Journal: '70',
      Customer: customer,
      SalesEntryLines: [{ GLAccount: revenue, AmountFC: 100 }],
      ...extra,
    })
  const ledger = async () => (await sb.control('GET', `/divisions/${s.division}/entries`)).body as any[]

  it('creates documents of the known types, with Subject and Type required', async () => {
    expect((await document({})).body.error.message.value).toBe('Verplicht: Onderwerp\r\nVerplicht: Type')
    expect((await document({ Subject: 'x', Type: 99 })).body.error.message.value).toBe('Ongeldige referentie: Type')
    expect((await document({ Subject: 'x', Type: 10, Account: '00000000-0000-4000-8000-000000000000' })).status).toBe(
      500,
    )
    const sales = await document({ Subject: 'Factuur F-1', Type: 10, Account: customer, DocumentDate: '2026-03-01' })
    expect(sales.status).toBe(201)
    expect(sales.body.d).toMatchObject({
      Subject: 'Factuur F-1',
      Type: 10,
      TypeDescription: 'Verkoopfactuur',
      HID: 1,
      Account: customer,
      AccountName: 'Klant BV',
      DocumentDate: `/Date(${Date.UTC(2026, 2, 1)})/`,
      HasEmptyBody: true,
      FinancialTransactionEntryID: null,
      Currency: 'EUR',
    })
    const purchase = await document({ Subject: 'Inkoop', Type: '20' })
    expect(purchase.body.d).toMatchObject({ Type: 20, TypeDescription: 'Inkoopfactuur', HID: 2 })
    const types = (await s.api('GET', 'documents/DocumentTypes')).body.d.results.map((t: any) => t.ID)
    expect(types).toEqual([10, 20, 183])
    expect((await s.api('GET', `documents/Documents?$filter=Subject eq 'Inkoop'`)).body.d.results).toHaveLength(1)
  })

  it('takes attachments as base64, answers Attachment null, and serves the file at Url&Download=1', async () => {
    const doc = (await document()).body.d.ID
    const bad = await attach(doc, 'not base64!')
    expect([bad.status, bad.body.error.message.value]).toEqual([
      400,
      "Error processing request stream. Error encountered in converting the value from request payload for property 'Attachment' to type 'Byte[]'",
    ])
    expect((await s.api('POST', 'documents/DocumentAttachments', { Document: doc })).body.error.message.value).toBe(
      'Verplicht: Bestandsnaam\r\nVerplicht: Bijlage',
    )
    expect((await attach('00000000-0000-4000-8000-000000000000', PDF)).body.error.message.value).toBe(
      'Ongeldige referentie: Document',
    )
    const created = await attach(doc, PDF)
    expect(created.status).toBe(201)
    expect(created.body.d).toMatchObject({ Attachment: null, Document: doc, FileName: 'F-1.pdf', FileSize: PDF.length })
    const url = `${created.body.d.Url}&Download=1`
    expect(url).toBe(`${sb.url}/docs/SysAttachment.aspx?ID=${created.body.d.ID}&_Division_=${s.division}&Download=1`)
    const file = await fetch(url, { headers: { authorization: `Bearer ${s.accessToken}` } })
    expect([file.status, file.headers.get('content-type')]).toEqual([200, 'application/pdf'])
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true)
    expect((await fetch(url)).status).toBe(401)
    expect(
      (await s.api('PUT', `documents/DocumentAttachments(guid'${created.body.d.ID}')`, { FileName: 'x' })).status,
    ).toBe(405)
  })

  it('refuses an attachment above the limit: 25 MiB for NL/BE, 7 MiB elsewhere, or attachmentMaxBytes', async () => {
    const division = (country: string) => ({ country }) as Division
    expect(attachmentLimit(division('NL'), DEFAULT_BEHAVIOUR)).toBe(25 * 1024 * 1024)
    expect(attachmentLimit(division('BE'), DEFAULT_BEHAVIOUR)).toBe(25 * 1024 * 1024)
    expect(attachmentLimit(division('DE'), DEFAULT_BEHAVIOUR)).toBe(7 * 1024 * 1024)
    const eightMiB = Buffer.alloc(8 * 1024 * 1024, 7)
    const doc = (await document()).body.d.ID
    expect((await attach(doc, eightMiB)).body.d.FileSize).toBe(eightMiB.length) // a body above Fastify's old 10 MB limit
    await sb.control('POST', '/divisions', { division: 770001, country: 'DE' })
    const de = await connect(sb.url, { division: '770001', language: 'en-GB' })
    const deDoc = (await de.api('POST', 'documents/Documents', { Subject: 'Rechnung', Type: 10 })).body.d.ID
    const tooLarge = await de.api('POST', 'documents/DocumentAttachments', {
      Document: deDoc,
      FileName: 'R.pdf',
      Attachment: eightMiB.toString('base64'),
    })
    expect([tooLarge.status, tooLarge.body.error.message.value]).toEqual([
      500,
      'File is too large: 8388608 bytes (maximum 7340032 bytes)',
    ])
    await sb.control('PUT', '/behaviour', { attachmentMaxBytes: PDF.length })
    expect((await attach(doc, PDF)).status).toBe(201)
    expect((await attach(doc, Buffer.concat([PDF, Buffer.from('x')]))).status).toBe(500)
    await sb.control('PUT', '/behaviour', { attachmentTooLarge: 'http_413' })
    expect((await attach(doc, Buffer.concat([PDF, Buffer.from('x')]))).status).toBe(413)
  })

  it("links a document by POST and PUT, and shows it with the files' SHA-256 in the ledger view", async () => {
    const doc = (await document()).body.d.ID
    await attach(doc, PDF)
    expect((await sale({ Document: '00000000-0000-4000-8000-000000000000' })).body.error.message.value).toBe(
      'Ongeldige referentie: Document',
    )
    const entry = (await sale({ Document: doc })).body.d
    expect(entry).toMatchObject({ Document: doc, DocumentNumber: 1, DocumentSubject: 'Factuur F-1' })
    expect((await s.api('GET', `documents/Documents(guid'${doc}')`)).body.d.FinancialTransactionEntryID).toBe(
      entry.EntryID,
    )
    const [view] = await ledger()
    expect(view).toMatchObject({
      Document: doc,
      documentFiles: [{ FileName: 'F-1.pdf', FileSize: PDF.length, sha256: sha(PDF) }],
    })
    const other = (await sale()).body.d
    expect((await s.api('PUT', `salesentry/SalesEntries(guid'${other.EntryID}')`, { Document: doc })).status).toBe(204)
    expect((await s.api('GET', `salesentry/SalesEntries(guid'${other.EntryID}')`)).body.d.Document).toBe(doc)
    await s.api('PUT', `salesentry/SalesEntries(guid'${other.EntryID}')`, { Document: null })
    expect((await s.api('GET', `salesentry/SalesEntries(guid'${other.EntryID}')`)).body.d).toMatchObject({
      Document: null,
      DocumentNumber: null,
    })
    const docs = (await sb.control('GET', `/divisions/${s.division}/documents?content=base64`)).body
    expect(docs).toEqual([
      expect.objectContaining({
        ID: doc,
        linkedBy: [entry.EntryID],
        attachments: [expect.objectContaining({ base64: PDF.toString('base64') })],
      }),
    ])
  })

  it('keeps the document when its entry is deleted (or deletes it), and tombstones documents (6) and attachments (4)', async () => {
    const tombstones = async () =>
      (await s.api('GET', 'sync/Deleted?$filter=Timestamp gt 1L&$select=EntityKey,EntityType')).body.d.results
        .filter((t: any) => t.EntityType === 4 || t.EntityType === 6)
        .map((t: any) => [t.EntityType, t.EntityKey])
    const doc = (await document()).body.d.ID
    const file = (await attach(doc, PDF)).body.d.ID
    const entry = (await sale({ Document: doc })).body.d
    await s.api('DELETE', `salesentry/SalesEntries(guid'${entry.EntryID}')`)
    expect((await s.api('GET', `documents/Documents(guid'${doc}')`)).status).toBe(200)
    expect(await tombstones()).toEqual([])
    expect((await s.api('DELETE', `documents/Documents(guid'${doc}')`)).status).toBe(204)
    expect((await s.api('GET', `documents/DocumentAttachments(guid'${file}')`)).status).toBe(404)
    expect(await tombstones()).toEqual([
      [4, file],
      [6, doc],
    ])

    await sb.control('PUT', '/behaviour', { documentOnEntryDelete: 'deleted' })
    const doc2 = (await document()).body.d.ID
    const entry2 = (await sale({ Document: doc2 })).body.d
    await s.api('DELETE', `salesentry/SalesEntries(guid'${entry2.EntryID}')`)
    expect((await s.api('GET', `documents/Documents(guid'${doc2}')`)).status).toBe(404)
    expect((await tombstones()).at(-1)).toEqual([6, doc2])
  })
})
