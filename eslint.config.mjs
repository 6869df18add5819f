// The layer rules of DESIGN.md ("dependency direction"), run rather than remembered.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** One restricted-imports rule per room: what a file in that folder may not reach for. */
function room(files, patterns, paths = []) {
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }] } }
}

const kysely = { group: ['kysely', 'kysely/*'], message: 'SQL lives in src/db (and migrations).' }
const undici = { group: ['undici', 'undici/*'], message: 'HTTP to Exact lives in src/exact (and the sandbox).' }
const fastify = {
  group: ['fastify', 'fastify/*', '@fastify/*'],
  message: 'Fastify lives in src/http, src/app.ts and the sandbox.',
}
const nodeCron = { group: ['node-cron'], message: 'Scheduling lives in src/jobs.' }
const ours = (...folders) =>
  folders.map((folder) => ({
    group: [`**/${folder}`, `**/${folder}/*`, `**/${folder}/**`],
    message: `See DESIGN.md: this room does not import ${folder}/.`,
  }))

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.data/**', 'clients/typescript/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused names are knip's and tsc's job (noUnusedLocals); an `_` prefix marks a deliberate one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Test doubles and the wire boundary cast on purpose; `any` stays a review question, not a build failure.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  room(
    ['src/domain/**'],
    [
      kysely,
      undici,
      fastify,
      nodeCron,
      { group: ['pg', 'pino'], message: 'domain/ is pure.' },
      ...ours('db', 'exact', 'services', 'http', 'jobs', 'sandbox'),
    ],
  ),
  // Generic helpers (a keyed mutex, a background retry, the webhook URL's address check): nothing of ours.
  room(
    ['src/lib/**'],
    [kysely, undici, fastify, nodeCron, ...ours('db', 'exact', 'services', 'http', 'jobs', 'sandbox', 'domain')],
  ),
  room(['src/db/**'], [undici, fastify, nodeCron, ...ours('exact', 'services', 'http', 'jobs', 'sandbox')]),
  room(['src/exact/**'], [kysely, fastify, nodeCron, ...ours('db', 'services', 'http', 'jobs', 'sandbox')]),
  room(['src/services/**'], [kysely, undici, fastify, nodeCron, ...ours('http', 'jobs', 'sandbox')]),
  room(['src/jobs/**'], [kysely, undici, fastify, ...ours('db', 'exact', 'http', 'sandbox')]),
  room(['src/http/**'], [kysely, undici, nodeCron, ...ours('db', 'exact', 'jobs', 'sandbox')]),
  // The sandbox stands in for Exact: sharing code with the connector would let the tests prove only
  // that the code agrees with itself.
  room(['src/sandbox/**'], [kysely, nodeCron, ...ours('db', 'exact', 'services', 'http', 'jobs', 'domain')]),
  room(
    ['migrations/**'],
    [{ group: ['**/src/**', '../src/*'], message: 'Migrations are frozen: they import nothing from src/.' }],
  ),
)
