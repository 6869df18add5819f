// Every test runs in a zone that is not UTC and has DST, whatever the host's: code that reads the
// host's local time (cron matching, date maths) fails here on every machine, not only on some.
// Workers and the service processes the tests start inherit it, whichever project they belong to.
process.env.TZ = 'Europe/Amsterdam'

/** What every project shares: Node, ts-jest, and the leak guard's environment (test/helpers/leak-guard-environment.ts). */
const shared = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/test/helpers/leak-guard-environment.ts',
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // ESM-only packages that Fastify plugins require(); Node 20 can, Jest's module runtime cannot.
    '/node_modules/(content-disposition|cookie)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
}

/**
 * `npm test` runs the three projects. `npm run test:unit` (or `test:sandbox`, or `npx jest test/unit/x.test.ts`)
 * starts no Postgres: Jest runs a project's globalSetup only when one of its tests is selected.
 * (`--selectProjects` takes every word after it as a project name: put file paths before it.)
 * @type {import('jest').Config}
 */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // The sandbox is an in-memory Exact over HTTP: its own tests need no database either.
    { ...shared, displayName: 'sandbox', testMatch: ['<rootDir>/test/sandbox/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
}
