import { createServer } from 'node:http'
import { opened } from '../../helpers/leak-guard'

// Run only by leak-guard.test.ts: the same as leaks.fixture.ts, but it closes everything it opened.
let server: ReturnType<typeof createServer>
let closed: () => void
let timer: NodeJS.Timeout
beforeAll(async () => {
  server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closed = opened('the fixture harness')
})
afterAll(async () => {
  clearTimeout(timer)
  await new Promise((resolve) => server.close(resolve))
  closed()
})

test('passes and closes what it opened in afterAll', () => {
  timer = setTimeout(() => undefined, 120_000)
  expect(server.listening).toBe(true)
})
