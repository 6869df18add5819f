import { isDatabaseUnavailable } from '../../src/db/database-errors'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('isDatabaseUnavailable', () => {
  it.each([
    ['57P01 terminating connection due to administrator command', withCode('57P01'), true],
    ['57P03 the database system is shutting down', withCode('57P03'), true],
    ['08006 connection failure', withCode('08006'), true],
    ['ECONNREFUSED', withCode('ECONNREFUSED'), true],
    [
      'a refused localhost (AggregateError of ::1 and 127.0.0.1)',
      Object.assign(new AggregateError([withCode('ECONNREFUSED')], ''), {}),
      true,
    ],
    ["pg's socket that ended", new Error('Connection terminated unexpectedly'), true],
    ["pg's pool that could not connect in time", new Error('timeout exceeded when trying to connect'), true],
    ['wrapped as a cause', new Error('outer', { cause: withCode('57P01') }), true],
    ['23505 unique violation', withCode('23505'), false],
    ['22021 invalid byte sequence', withCode('22021'), false],
    ['a TypeError', new TypeError('x is undefined'), false],
    ['not an error', 'ECONNREFUSED', false],
  ])('%s -> %s', (_name, error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected)
  })
})
