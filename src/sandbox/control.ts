import type { FastifyInstance } from 'fastify'
import { DEFAULT_BEHAVIOUR, updateBehaviour } from './behaviour'
import { controlError } from './control-helpers'
import { registerDivisionControl } from './control-divisions'
import { registerEntryControl } from './control-entries'
import type { Faults, FaultConfig } from './faults'
import type { OAuthStore } from './oauth-store'
import type { ErrorLimiter, RateLimiter } from './rate-limit'
import { registerLoadControl } from './control-load'
import { registerPaymentControl } from './control-payments'
import { registerVatReturnControl } from './control-vat-return'
import { registerWebhookControl } from './control-webhooks'
import type { SandboxState } from './state'

export interface ControlDeps {
  state: SandboxState
  oauth: OAuthStore
  limiter: RateLimiter
  errorLimiter: ErrorLimiter
  faults: Faults
  initialLimits: { perMinute: number; perDay: number }
}

function isNonNegativeNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0
}

/** `/_sandbox/*`: for tests and benchmarks; never counted in stats, never rate limited or faulted. */
export function registerControl(app: FastifyInstance, deps: ControlDeps): void {
  const { state, oauth, limiter, errorLimiter, faults } = deps

  app.post('/_sandbox/reset', async () => {
    state.resetData()
    state.webhooks.reset()
    state.stats.reset()
    limiter.reset()
    limiter.limits = { ...deps.initialLimits }
    errorLimiter.reset()
    faults.set({})
    Object.assign(state.behaviour, DEFAULT_BEHAVIOUR)
    oauth.clearLog()
    return { ok: true, divisions: [...state.divisions.keys()] }
  })

  registerDivisionControl(app, state)
  registerPaymentControl(app, state)
  registerLoadControl(app, state)
  registerVatReturnControl(app, state)
  registerEntryControl(app, state)
  registerWebhookControl(app, state)

  app.get('/_sandbox/stats', async () => state.stats.toJSON())
  app.post('/_sandbox/stats/reset', async () => {
    state.stats.reset()
    return state.stats.toJSON()
  })

  app.get('/_sandbox/faults', async () => faults.config)
  app.put('/_sandbox/faults', async (request, reply) => {
    const body = (request.body ?? {}) as Partial<Record<keyof FaultConfig, unknown>>
    for (const f of ['errorRate', 'timeoutAfterCommitRate'] as const) {
      if (body[f] !== undefined && !(isNonNegativeNumber(body[f]) && (body[f] as number) <= 1)) {
        return controlError(reply, 400, 'invalid_faults', `${f} must be a number between 0 and 1.`)
      }
    }
    for (const f of ['latencyMs', 'seed', 'retryAfterSeconds'] as const) {
      if (body[f] !== undefined && !isNonNegativeNumber(body[f])) {
        return controlError(reply, 400, 'invalid_faults', `${f} must be a non-negative number.`)
      }
    }
    return faults.set(body as Partial<FaultConfig>)
  })

  app.get('/_sandbox/limits', async () => limiter.limits)
  app.put('/_sandbox/limits', async (request, reply) => {
    const body = (request.body ?? {}) as { perMinute?: unknown; perDay?: unknown }
    for (const f of ['perMinute', 'perDay'] as const) {
      if (body[f] !== undefined && !(Number.isInteger(body[f]) && (body[f] as number) > 0)) {
        return controlError(reply, 400, 'invalid_limits', `${f} must be a positive integer.`)
      }
    }
    limiter.limits = {
      perMinute: (body.perMinute as number | undefined) ?? limiter.limits.perMinute,
      perDay: (body.perDay as number | undefined) ?? limiter.limits.perDay,
    }
    return limiter.limits
  })

  const clockView = (): object => ({
    now: state.clock.now(),
    iso: new Date(state.clock.now()).toISOString(),
    frozen: state.clock.frozen,
  })
  app.get('/_sandbox/clock', async () => clockView())
  app.post('/_sandbox/clock', async (request, reply) => {
    const body = (request.body ?? {}) as { advanceMs?: unknown; setMs?: unknown; set?: unknown; frozen?: unknown }
    if (body.frozen !== undefined) state.clock.freeze(body.frozen === true)
    if (body.set !== undefined || body.setMs !== undefined) {
      const ms = typeof body.setMs === 'number' ? body.setMs : Date.parse(String(body.set))
      if (!Number.isFinite(ms))
        return controlError(reply, 400, 'invalid_clock', 'set must be an ISO time, setMs a number.')
      state.clock.set(ms)
    }
    if (body.advanceMs !== undefined) {
      if (!isNonNegativeNumber(body.advanceMs))
        return controlError(reply, 400, 'invalid_clock', 'advanceMs must be a non-negative number.')
      state.clock.advance(body.advanceMs)
    }
    return clockView()
  })

  app.get('/_sandbox/tokens', async () => oauth.log)

  app.get('/_sandbox/behaviour', async () => state.behaviour)
  app.put('/_sandbox/behaviour', async (request, reply) => {
    const problem = updateBehaviour(state.behaviour, (request.body ?? {}) as Record<string, unknown>)
    return problem ? controlError(reply, 400, 'invalid_behaviour', problem) : state.behaviour
  })
}
