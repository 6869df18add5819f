/**
 * The sandbox's own tests need no Postgres: `npx jest -c test/sandbox/jest.config.js` runs them without the
 * repository's database global setup (`npx jest test/sandbox` works too when that setup does).
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/sandbox/**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30_000,
}
