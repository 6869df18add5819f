import { Agent, request } from 'undici'
import type { Behaviour } from '../behaviour'
import type { SandboxClock } from '../clock'
import type { Division } from '../model'
import type { Delivery } from './deliveries'
import { contentJson, signedBody } from './payload'
import type { WebhookSubscription } from './subscription'
import type { ChangeEvent } from './topics'

export interface WebhookOptions {
  /** The app's "Webhook secret" (App Center), not its client secret: the HMAC key of HashCode. */
  secret: string
  /** Real Exact only accepts https callbacks (pionect.nl); the sandbox allows http for local receivers. */
  allowHttp: boolean
  /** Exact validates about 1 s after the subscription POST (hookdeck PR #152); tests want it short. */
  validationDelayMs: number
  /** How long a receiver may take before the attempt counts as failed. */
  timeoutMs: number
}

type Outcome = { status: number | null; error: string | null }

/**
 * Sends Exact's webhooks: the empty validation POST after a subscription, then every event to each valid
 * subscription of its topic, with retries on a non-2xx or no answer. Runs on real time (the sandbox clock
 * is usually frozen in tests); reset() forgets everything in flight, close() stops it for good.
 */
export class WebhookDispatcher {
  readonly deliveries: Delivery[] = []
  private readonly agent = new Agent({ keepAliveTimeout: 1_000 })
  private readonly timers = new Set<NodeJS.Timeout>()
  private generation = 0
  private nextId = 1

  constructor(
    readonly options: WebhookOptions,
    private readonly clock: SandboxClock,
    private readonly behaviour: Behaviour,
  ) {}

  /** The validation POST: empty body, Content-Length 0; a 2xx makes the subscription valid. */
  scheduleValidation(sub: WebhookSubscription): void {
    this.later(this.options.validationDelayMs, async (generation) => {
      const outcome = await this.post(sub.CallbackURL, '')
      if (generation !== this.generation || sub.state !== 'pending') return
      sub.validation = { atMs: Date.now(), ...outcome }
      sub.state = isSuccess(outcome) ? 'valid' : 'invalid'
    })
  }

  emit(division: Division, events: ChangeEvent[]): void {
    const mode = this.behaviour.webhookDelivery
    for (const event of events) {
      for (const sub of division.webhookSubscriptions.values()) {
        if (sub.Topic !== event.topic) continue
        const content = contentJson(event, {
          clientId: sub.ClientID,
          division: division.id,
          baseUrl: sub.baseUrl,
          now: this.clock.now(),
          slashes: this.behaviour.webhookSlashes,
        })
        const delivery = this.record({
          subscriptionId: sub.ID,
          division: division.id,
          topic: event.topic,
          action: event.action,
          key: event.key,
          url: sub.CallbackURL,
          copy: 1,
          body: signedBody(content, this.options.secret),
        })
        if (sub.state !== 'valid') this.settle(delivery, 'not_validated')
        else if (mode === 'drop') this.settle(delivery, 'dropped')
        else this.later(0, (generation) => this.run(delivery, generation, mode === 'repeat'))
      }
    }
  }

  reset(): void {
    this.generation += 1
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.deliveries.length = 0
  }

  async close(): Promise<void> {
    this.reset()
    await this.agent.destroy()
  }

  /** Attempts until a 2xx or the retries are spent (webhookRetries, delays doubling from webhookRetryDelayMs) [U]. */
  private async run(delivery: Delivery, generation: number, repeat: boolean): Promise<void> {
    const outcome = await this.post(delivery.url, delivery.body)
    if (generation !== this.generation) return
    delivery.attempts.push({ atMs: Date.now(), ...outcome })
    const retriesLeft = this.behaviour.webhookRetries - (delivery.attempts.length - 1)
    if (!isSuccess(outcome) && retriesLeft > 0) {
      const delay = this.behaviour.webhookRetryDelayMs * 2 ** (delivery.attempts.length - 1)
      this.later(delay, (g) => this.run(delivery, g, repeat))
      return
    }
    this.settle(delivery, isSuccess(outcome) ? 'delivered' : 'failed')
    if (repeat) {
      const { subscriptionId, division, topic, action, key, url, body } = delivery
      const copy = this.record({ subscriptionId, division, topic, action, key, url, body, copy: 2 })
      await this.run(copy, generation, false)
    }
  }

  private record(fields: Omit<Delivery, 'id' | 'status' | 'attempts' | 'createdAtMs' | 'settledAtMs'>): Delivery {
    const delivery: Delivery = {
      id: this.nextId++,
      status: 'pending',
      attempts: [],
      createdAtMs: Date.now(),
      settledAtMs: null,
      ...fields,
    }
    this.deliveries.push(delivery)
    return delivery
  }

  private settle(delivery: Delivery, status: Delivery['status']): void {
    delivery.status = status
    delivery.settledAtMs = Date.now()
  }

  private later(ms: number, task: (generation: number) => Promise<void>): void {
    const generation = this.generation
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      task(generation).catch(() => undefined)
    }, ms)
    this.timers.add(timer)
  }

  private async post(url: string, body: string): Promise<Outcome> {
    try {
      const answer = await request(url, {
        method: 'POST',
        body,
        dispatcher: this.agent,
        headers: body === '' ? {} : { 'content-type': 'application/json; charset=utf-8' },
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      })
      await answer.body.dump()
      return { status: answer.statusCode, error: null }
    } catch (error) {
      return { status: null, error: (error as Error).message || String(error) }
    }
  }
}

function isSuccess(outcome: Outcome): boolean {
  return outcome.status !== null && outcome.status >= 200 && outcome.status < 300
}
