/**
 * How soon the invoicing app learns of a payment: from a payment booked in the sandbox to the app's
 * `invoice.payment_updated` webhook, over `--payments` payments (default 50), one at a time.
 *
 *   npm run bench:webhook-delay
 *   npm run bench:webhook-delay -- --payments 50 --debounce-ms 30000 --gather-ms 1000
 *
 * Two paths, measured in the same run on the same kind of payments:
 * - Exact's webhooks (issue 13): Exact's event -> the service's callback -> a debounced incremental
 *   sync -> the outbox -> the app. Each payment is booked once the previous sync's debounce window
 *   is over (an isolated payment, the usual case); a payment inside the window waits for its end.
 * - the baseline, the sync path without Exact's events: the sandbox sends none (webhookDelivery
 *   drop), and the app asks POST /payment-sync right after each payment: the best the polling path
 *   can do. The scheduled sync alone (PAYMENT_SYNC_CRON, every 4 hours) is printed beside it as the
 *   arithmetic it is: 2 h on average, 4 h at worst.
 * Service timings are the production defaults unless given (debounce 30 s, gather 1 s, outbox polled
 * every second). DATABASE_URL: use that Postgres; else an embedded one.
 */
import { startWebhookDelivery } from '../src/jobs/webhook-delivery'
import { createLogger } from '../src/logger'
import { makeInvoice, sandboxSettings } from '../test/helpers/factories'
import { startAppReceiver, waitFor } from '../test/helpers/app-receiver'
import { UNLIMITED, connectBenchTenant, json, markdownTable, runMain, startBench } from './support'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

async function main(): Promise<void> {
  const opts = {
    payments: arg('payments', 50),
    debounceMs: arg('debounce-ms', 30_000),
    gatherMs: arg('gather-ms', 1_000),
  }
  const bench = await startBench('webhook_delay', {
    exactWebhooks: { debounceMs: opts.debounceMs, gatherMs: opts.gatherMs },
  })
  const { db, sandbox, baseUrl, adminApiKey, services } = bench
  const receiver = await startAppReceiver()
  const delivery = startWebhookDelivery({ db, logger: createLogger('error') })
  const progress = (line: string) => process.stderr.write(`${line}\n`)
  try {
    await json(`${sandbox.url}/_sandbox/limits`, 'PUT', { perMinute: UNLIMITED, perDay: UNLIMITED })
    const { tenantId, apiKey, division } = await connectBenchTenant(baseUrl, adminApiKey, 'bench webhook delay')
    await json(
      `${baseUrl}/settings`,
      'PUT',
      sandboxSettings({ webhook: { url: receiver.url, secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}` } }),
      apiKey,
    )
    const subscriptions = await waitFor(
      () => json<any[]>(`${sandbox.url}/_sandbox/webhooks/subscriptions`, 'GET'),
      (s) => s.length > 0 && s.every((x) => x.state !== 'pending'),
      30_000,
    )
    if (!subscriptions.every((s) => s.state === 'valid'))
      throw new Error(`subscriptions not validated: ${JSON.stringify(subscriptions)}`)

    const booked: Array<{ id: string; entryNumber: number }> = []
    for (let i = 0; i < opts.payments * 2; i++) {
      const id = `wd-${i}`
      const invoice = makeInvoice({ number: `WD-${i}` })
      await json(`${baseUrl}/invoices/${id}`, 'PUT', invoice, apiKey)
      const exp = await json<{ entryNumber: number }>(`${baseUrl}/invoices/${id}/export`, 'POST', undefined, apiKey)
      booked.push({ id, entryNumber: exp.entryNumber })
    }
    progress(`booked ${booked.length} invoices`)
    // The first payment sync reads every term once; after it, each cycle reads what changed.
    await json(`${baseUrl}/payment-sync`, 'POST', undefined, apiKey)
    await services.paymentSync.drain()

    const state = () =>
      db.selectFrom('exact_webhook_state').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst()
    const quiet = async () => {
      const s = await state()
      const runs = await db
        .selectFrom('payment_sync_runs')
        .select('status')
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'running')
        .execute()
      const windowOpen = !s?.next_sync_after || s.next_sync_after.getTime() <= Date.now()
      return !s?.sync_pending && windowOpen && runs.length === 0 && !services.exactWebhooks.busy
    }
    const pay = (entryNumber: number) =>
      json(`${sandbox.url}/_sandbox/divisions/${division}/payments`, 'POST', {
        entryNumber,
        amount: '1210.00',
        date: '2026-11-25',
      })
    const hookFor = (invoiceId: string) =>
      waitFor(
        () => receiver.of('invoice.payment_updated', (d) => d.invoiceId === invoiceId),
        (r) => r.length > 0,
        120_000,
      ).then((r) => r[0]!.at)

    const viaWebhooks: number[] = []
    for (const inv of booked.slice(0, opts.payments)) {
      await waitFor(quiet, (q) => q, opts.debounceMs + 60_000)
      const paidAt = Date.now()
      await pay(inv.entryNumber)
      viaWebhooks.push((await hookFor(inv.id)) - paidAt)
      if (viaWebhooks.length % 10 === 0) progress(`webhooks: ${viaWebhooks.length} payments`)
    }

    // The baseline: no events from Exact; the app asks for a sync right after each payment.
    await json(`${sandbox.url}/_sandbox/behaviour`, 'PUT', { webhookDelivery: 'drop' })
    const viaManualSync: number[] = []
    for (const inv of booked.slice(opts.payments)) {
      await waitFor(quiet, (q) => q, opts.debounceMs + 60_000)
      const paidAt = Date.now()
      await pay(inv.entryNumber)
      await json(`${baseUrl}/payment-sync`, 'POST', undefined, apiKey)
      viaManualSync.push((await hookFor(inv.id)) - paidAt)
      await services.paymentSync.drain()
    }

    const row = (name: string, xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b)
      return [
        name,
        String(xs.length),
        `${percentile(sorted, 50)} ms`,
        `${percentile(sorted, 95)} ms`,
        `${sorted.at(-1)} ms`,
      ]
    }
    const lines = [
      `payment booked in Exact -> app's invoice.payment_updated webhook, ${opts.payments} payments per path, one at a time`,
      `(debounce ${opts.debounceMs} ms, gather ${opts.gatherMs} ms, outbox polled every 1000 ms; node ${process.version})`,
      '',
      ...markdownTable(
        ['path', 'payments', 'median', 'p95', 'max'],
        [
          row("Exact's webhooks (issue 13)", viaWebhooks),
          row('baseline: POST /payment-sync right after the payment', viaManualSync),
          ['baseline: scheduled sync only (every 4 h)', '-', '2 h (mean wait for the next tick)', '4 h', '4 h'],
        ],
      ),
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  } finally {
    await delivery.stop()
    await receiver.close()
    await bench.close()
  }
}

runMain(main)
