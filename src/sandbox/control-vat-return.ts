import type { FastifyInstance } from 'fastify'
import { divisionOr404 } from './control-helpers'
import { sum, toDecimalString, type Decimal } from './decimal'
import { vatBase } from './resources/entry-rows'
import type { SandboxState } from './state'

interface CodeTotals {
  type: string | null
  percentage: Decimal | null
  bases: Decimal[]
  vats: Decimal[]
}

/**
 * A sandbox simplification of the (BE) VAT return, with no grids: per VAT code the summed VAT base
 * (VATBaseAmountFC) and VAT of every live entry line. A type N code ("no VAT", picqer VatCode.php) is
 * outside the scope and not reported; a line without a VAT code neither. Bases of type B (0 %) codes are.
 */
export function registerVatReturnControl(app: FastifyInstance, state: SandboxState): void {
  app.get<{ Params: { d: string } }>('/_sandbox/divisions/:d/vat-return', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    if (!division) return reply
    const byCode = new Map<string | null, CodeTotals>()
    for (const entry of division.entries.values()) {
      if (entry.deleted) continue
      for (const line of entry.lines) {
        const vat = division.vatCodes.find((v) => v.Code === line.VATCode)
        const totals = byCode.get(line.VATCode) ?? {
          type: vat?.Type ?? null,
          percentage: vat?.Percentage ?? null,
          bases: [],
          vats: [],
        }
        totals.bases.push(vatBase(line))
        totals.vats.push(line.VATAmountFC)
        byCode.set(line.VATCode, totals)
      }
    }
    const codes = [...byCode].map(([vatCode, t]) => ({
      vatCode,
      type: t.type,
      percentage: t.percentage === null ? null : t.percentage.toString(),
      reported: t.type !== null && t.type !== 'N',
      base: toDecimalString(sum(t.bases)),
      vat: toDecimalString(sum(t.vats)),
    }))
    const reported = [...byCode.values()].filter((t) => t.type !== null && t.type !== 'N')
    return {
      codes,
      summary: {
        reportedBase: toDecimalString(sum(reported.flatMap((t) => t.bases))),
        reportedVat: toDecimalString(sum(reported.flatMap((t) => t.vats))),
      },
    }
  })
}
