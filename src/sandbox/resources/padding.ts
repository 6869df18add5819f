/** Exact's fixed-width strings: account Code right-aligned in 18, VAT codes and Country char(3). */
export function padCode(code: string): string {
  return code.padStart(18, ' ')
}

export function pad3(value: string | null): string | null {
  return value === null ? null : value.padEnd(3, ' ')
}

/** Clients may send codes padded or not; compare trimmed. */
export function sameCode(a: string | null | undefined, b: string | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && a.trim() === b.trim()
}
