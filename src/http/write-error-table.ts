import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { APP_ERRORS, APP_ERROR_CODES } from '../domain/app-error'

export const README_PATH = join(__dirname, '..', '..', 'README.md')
const START = '<!-- error-codes:start (npm run docs:errors writes this table from src/domain/app-error.ts) -->'
const END = '<!-- error-codes:end -->'

/** README's error table, one row per code of the catalogue, in its order. */
export function errorTable(): string {
  const rows = APP_ERROR_CODES.map(
    (code) => `| \`${code}\` | ${APP_ERRORS[code].status} | ${APP_ERRORS[code].meaning} |`,
  )
  return ['| code | status | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

/** The table as README has it now, or undefined when the markers are missing. */
export function readmeErrorTable(readme: string): string | undefined {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) return undefined
  return readme.slice(start + START.length, end).trim()
}

function writeErrorTable(): void {
  const readme = readFileSync(README_PATH, 'utf8')
  if (readmeErrorTable(readme) === undefined) throw new Error(`README.md has no ${START} … ${END} markers`)
  const start = readme.indexOf(START) + START.length
  writeFileSync(README_PATH, `${readme.slice(0, start)}\n${errorTable()}\n${readme.slice(readme.indexOf(END))}`)
  process.stdout.write(`wrote the error table in ${README_PATH}\n`)
}

if (require.main === module) writeErrorTable()
