import { documentFileName, documentLimitFor, isPdf } from '../../src/domain/invoice-document'

describe('invoice documents', () => {
  it.each([
    ['a PDF header', '%PDF-1.7\n...', true],
    ['the header alone', '%PDF-', true],
    ['too short', '%PDF', false],
    ['a GIF', 'GIF89a', false],
    ['a PDF header after a byte', ' %PDF-1.4', false],
    ['nothing', '', false],
  ])('isPdf: %s', (_name, text, expected) => {
    expect(isPdf(Buffer.from(text, 'latin1'))).toBe(expected)
  })

  it.each([
    // country, configured, limit: 25 MB in NL/BE, 7 MB elsewhere (Zenvoices [L]), never above the configured one
    ['NL', 25_000_000, 25_000_000],
    ['be', 25_000_000, 25_000_000],
    ['DE', 25_000_000, 7_000_000],
    ['GB', 5_000_000, 5_000_000],
    ['NL', 30_000_000, 25_000_000],
    [null, 25_000_000, 25_000_000],
  ])('documentLimitFor(%s, %d) = %d', (country, configured, limit) => {
    expect(documentLimitFor(country, configured)).toBe(limit)
  })

  it.each([
    [undefined, '2026-0042', '2026-0042.pdf'],
    ['Factuur 42.pdf', '2026-0042', 'Factuur 42.pdf'],
    ['factuur', 'X', 'factuur.pdf'],
    ['../../etc/passwd', 'X', '.._.._etc_passwd.pdf'],
    ['a"b\u0000c.PDF', 'X', 'a_b_c.PDF'],
    ['   ', 'F/1', 'F_1.pdf'],
  ])('documentFileName(%j, %s) = %s', (requested, number, name) => {
    expect(documentFileName(requested, number)).toBe(name)
  })

  it('keeps the extension when the name is cut to 200 characters', () => {
    const name = documentFileName(`${'x'.repeat(300)}.pdf`, 'X')
    expect(name).toHaveLength(200)
    expect(name.endsWith('.pdf')).toBe(true)
  })
})
