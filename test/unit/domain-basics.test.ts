import { byCode, sameCode } from '../../src/domain/chart'
import { assertNever, ExportStatusSchema, InvoiceTypeSchema } from '../../src/domain/types'
import { Value } from '@sinclair/typebox/value'

test('codes compare trimmed, as Exact pads them', () => {
  expect(sameCode('2  ', '2')).toBe(true)
  expect(sameCode('          C017', 'C017')).toBe(true)
  expect(sameCode('2', '20')).toBe(false)
})

test('chart order is by code, numbers numerically', () => {
  expect(
    ['700', '90', '70', '8000', 'A1']
      .map((code) => ({ code }))
      .sort(byCode)
      .map((c) => c.code),
  ).toEqual(['70', '90', '700', '8000', 'A1'])
})

test.each([
  [InvoiceTypeSchema, 'sales', true],
  [InvoiceTypeSchema, 'purchase', true],
  [InvoiceTypeSchema, 'credit', false],
  [ExportStatusSchema, 'deleted_in_exact', true],
  [ExportStatusSchema, 'done', false],
])('shared unions: %#', (schema, value, ok) => {
  expect(Value.Check(schema, value)).toBe(ok)
})

test('assertNever throws with the value', () => {
  expect(() => assertNever('x' as never)).toThrow('unexpected value: "x"')
})
