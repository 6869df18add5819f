import { createServer } from 'node:http'
import { opened } from '../../helpers/leak-guard'

// Run only by leak-guard.test.ts, in a Jest of its own: a file that forgets to close what it opened.
let server: ReturnType<typeof createServer>
beforeAll(async () => {
  server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  opened('the fixture harness')
})

test('passes, and leaves a server, a timer and a registered harness open', () => {
  setTimeout(() => undefined, 120_000)
  expect(server.listening).toBe(true)
})
