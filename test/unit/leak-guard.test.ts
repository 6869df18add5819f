import { spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { resolve } from 'node:path'
import { countHandles, leftOpen } from '../helpers/leak-guard-environment'

const root = resolve(__dirname, '../..')
const nothing = () => ({
  handlesBefore: countHandles(),
  timers: new Set<NodeJS.Timeout>(),
  open: new Map<number, string>(),
})

describe('leftOpen', () => {
  test('names a server opened after the baseline until it is closed', async () => {
    const opened = nothing()
    const server = createServer()
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    expect(await leftOpen(opened, 100)).toEqual(['1 listening server(s) (TCPServerWrap)'])
    await new Promise((done) => server.close(done))
    expect(await leftOpen(opened, 100)).toEqual([])
  })

  test('names what a helper registered and did not close', async () => {
    expect(await leftOpen({ ...nothing(), open: new Map([[1, 'harness on http://127.0.0.1:1']]) }, 100)).toEqual([
      'harness on http://127.0.0.1:1',
    ])
  })

  test("counts a running interval, not a cleared or unref'd one", async () => {
    const opened = nothing()
    const running = setInterval(() => undefined, 60_000)
    const cleared = setTimeout(() => undefined, 60_000)
    clearTimeout(cleared)
    const unrefd = setTimeout(() => undefined, 60_000).unref()
    opened.timers = new Set([running, cleared, unrefd])
    expect(await leftOpen(opened, 100)).toEqual(['1 timer(s)'])
    clearInterval(running)
  })

  test('waits for a timer about to end instead of failing on it', async () => {
    const opened = nothing()
    opened.timers.add(setTimeout(() => undefined, 300))
    expect(await leftOpen(opened, 2_000)).toEqual([])
  })
})

// The guard as Jest runs it: a Jest of its own on two fixture files, one that leaks and one that does not.
test('a test file that leaves a server, a timer or a helper open fails; one that closes them passes', () => {
  const config = {
    rootDir: root,
    testEnvironment: '<rootDir>/test/helpers/leak-guard-environment.ts',
    testMatch: ['<rootDir>/test/unit/leak-guard-fixtures/*.fixture.ts'],
    transform: { '^.+\\.ts$': 'ts-jest' },
  }
  const run = spawnSync(
    process.execPath,
    [
      require.resolve('jest/bin/jest'),
      '--config',
      JSON.stringify(config),
      '--json',
      '--ci',
      '--runInBand',
      '--forceExit',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    },
  )
  const report = JSON.parse(run.stdout) as { testResults: Array<{ name: string; status: string; message: string }> }
  const byFile = Object.fromEntries(report.testResults.map((r) => [r.name.split('/').pop(), r]))
  expect(byFile['closes.fixture.ts']?.status).toBe('passed')
  expect(byFile['leaks.fixture.ts']?.status).toBe('failed')
  expect(byFile['leaks.fixture.ts']?.message).toContain(
    'leak guard: this test file left open the fixture harness; 1 listening server(s) (TCPServerWrap); 1 timer(s)',
  )
  expect(run.status).toBe(1)
}, 120_000)
