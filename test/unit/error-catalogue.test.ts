import { readFileSync } from 'node:fs'
import { APP_ERRORS, APP_ERROR_CODES } from '../../src/domain/app-error'
import { errorTable, README_PATH, readmeErrorTable } from '../../src/http/write-error-table'

describe('the error catalogue', () => {
  it("is what README's error table says (npm run docs:errors rewrites it)", () => {
    const inReadme = readmeErrorTable(readFileSync(README_PATH, 'utf8'))
    if (inReadme !== errorTable())
      throw new Error("README.md's error table differs from src/domain/app-error.ts: run npm run docs:errors")
  })

  it('gives every code a status a client can see and a meaning, and lists each once', () => {
    expect(new Set(APP_ERROR_CODES).size).toBe(APP_ERROR_CODES.length)
    for (const code of APP_ERROR_CODES) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/)
      expect([400, 401, 404, 409, 412, 413, 414, 415, 422, 500, 502, 503]).toContain(APP_ERRORS[code].status)
      expect(APP_ERRORS[code].meaning.length).toBeGreaterThan(10)
    }
    expect(APP_ERROR_CODES).not.toContain('conflict')
  })
})
