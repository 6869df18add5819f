import { startSandbox } from './server'

/**
 * `npm run sandbox`: SANDBOX_PORT (default 4100), SANDBOX_HOST, SANDBOX_CLIENT_ID/SECRET, SANDBOX_PUBLIC_URL,
 * SANDBOX_WEBHOOK_SECRET, SANDBOX_WEBHOOK_ALLOW_HTTP (`false` requires https callbacks, as Exact does),
 * SANDBOX_WEBHOOK_VALIDATION_DELAY_MS.
 */
async function main(): Promise<void> {
  const env = process.env
  const sandbox = await startSandbox({
    port: Number(env.SANDBOX_PORT ?? 4100),
    host: env.SANDBOX_HOST ?? '127.0.0.1',
    clientId: env.SANDBOX_CLIENT_ID || undefined,
    clientSecret: env.SANDBOX_CLIENT_SECRET || undefined,
    publicUrl: env.SANDBOX_PUBLIC_URL || undefined,
    webhookSecret: env.SANDBOX_WEBHOOK_SECRET || undefined,
    webhookAllowHttp:
      env.SANDBOX_WEBHOOK_ALLOW_HTTP === undefined ? undefined : env.SANDBOX_WEBHOOK_ALLOW_HTTP !== 'false',
    webhookValidationDelayMs: env.SANDBOX_WEBHOOK_VALIDATION_DELAY_MS
      ? Number(env.SANDBOX_WEBHOOK_VALIDATION_DELAY_MS)
      : undefined,
    logger: { level: env.LOG_LEVEL ?? 'info' },
  })
  console.log(`Exact Online sandbox listening on ${sandbox.url}`)
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
