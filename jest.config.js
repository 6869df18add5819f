// Every test runs in a zone that is not UTC and has DST, whatever the host's: code that reads the
// host's local time (cron matching, date maths) fails here on every machine, not only on some.
// Workers and the service processes the tests start inherit it.
process.env.TZ = 'Europe/Amsterdam'

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // ESM-only packages that Fastify plugins require(); Node 20 can, Jest's module runtime cannot.
    '/node_modules/(content-disposition|cookie)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
}
