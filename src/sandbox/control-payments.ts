import type { FastifyInstance } from 'fastify'
import { controlError, divisionOr404 } from './control-helpers'
import { amsterdamWallClock, parseInputDay, startOfDay, toIsoDate } from './dates'
import { parseAmount, toDecimalString, ZERO } from './decimal'
import type { Division, Payment } from './model'
import { bookPayment, termState, unmatchPayment } from './terms'
import type { SandboxState } from './state'
import { paymentEvents } from './webhooks/topics'

function view(division: Division, payment: Payment): object {
  const entry = division.entries.get(payment.entryId)
  const term = entry ? termState(entry) : null
  const row = entry?.terms.find((t) => t.payment === payment)
  return {
    id: payment.id,
    entryId: payment.entryId,
    termId: row?.ID ?? null,
    entryNumber: entry?.EntryNumber ?? null,
    kind: entry?.kind ?? null,
    amount: toDecimalString(payment.amount),
    discount: toDecimalString(payment.discount),
    date: toIsoDate(payment.date),
    active: payment.active,
    via: payment.via,
    term: term && {
      total: toDecimalString(term.total),
      outstanding: toDecimalString(term.outstanding),
      status: term.status,
      isFullyPaid: term.fullyPaid,
    },
  }
}

/**
 * Payments matched against an entry's open term row, as a bank (default) or cash entry (`via`), which
 * fire the webhooks paymentEvents chooses. `amount` and `discount` are decimal strings (numbers
 * are accepted too); the row is settled by amount + discount: all that is open (the open row is matched)
 * or less (a matched row splits off).
 */
export function registerPaymentControl(app: FastifyInstance, state: SandboxState): void {
  app.get<{ Params: { d: string } }>('/_sandbox/divisions/:d/payments', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    return division ? [...division.payments.values()].map((p) => view(division, p)) : reply
  })

  app.post<{ Params: { d: string } }>('/_sandbox/divisions/:d/payments', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    if (!division) return reply
    const body = (request.body ?? {}) as Record<string, unknown>
    const amount = parseAmount(body.amount)
    const discount = body.discount === undefined || body.discount === null ? ZERO : parseAmount(body.discount)
    if (!amount || !discount)
      return controlError(reply, 400, 'invalid_payment', 'amount and discount must be decimal strings.')
    const now = state.clock.now()
    const date = body.date === undefined ? startOfDay(amsterdamWallClock(now)) : parseInputDay(body.date)
    if (date === null) return controlError(reply, 400, 'invalid_payment', 'date must be YYYY-MM-DD.')
    const via = body.via ?? 'bank'
    if (via !== 'bank' && via !== 'cash')
      return controlError(reply, 400, 'invalid_payment', 'via must be "bank" or "cash".')
    const entry = [...division.entries.values()].find(
      (e) => !e.deleted && String(e.EntryNumber) === String(body.entryNumber),
    )
    if (!entry)
      return controlError(reply, 404, 'entry_not_found', `No live entry with EntryNumber ${String(body.entryNumber)}.`)
    const result = bookPayment(division, state.ids, entry, amount, discount, date, now, via)
    if (result === 'overpayment') {
      const outstanding = toDecimalString(termState(entry).outstanding)
      return controlError(reply, 409, 'overpayment', `amount + discount exceeds the outstanding ${outstanding}.`)
    }
    if (result === 'wrong_sign')
      return controlError(reply, 409, 'wrong_sign', 'amount must have the sign of the entry total.')
    state.webhooks.emit(division, paymentEvents(state.behaviour.paymentEvents, result, entry, 'Create'))
    return reply.code(201).send(view(division, result))
  })

  app.delete<{ Params: { d: string; id: string } }>('/_sandbox/divisions/:d/payments/:id', async (request, reply) => {
    const division = divisionOr404(state, reply, request.params.d)
    if (!division) return reply
    const payment = division.payments.get(request.params.id.toLowerCase())
    if (!payment || !payment.active)
      return controlError(reply, 404, 'payment_not_found', 'No active payment with that id.')
    unmatchPayment(division, state.ids, payment, state.clock.now())
    const entry = division.entries.get(payment.entryId)
    if (entry) state.webhooks.emit(division, paymentEvents(state.behaviour.paymentEvents, payment, entry, 'Update'))
    return view(division, payment)
  })
}
