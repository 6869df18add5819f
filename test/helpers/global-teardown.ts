export default async function globalTeardown(): Promise<void> {
  const stop = (globalThis as any).__EB_STOP_PG__ as (() => Promise<void>) | undefined
  await stop?.()
}
