import type { Party } from '../../src/domain/invoice'
import {
  matchRelation,
  normaliseVatNumber,
  rolesNeeded,
  type ExactAccountCandidate,
} from '../../src/domain/relation-match'

const account = (id: string, fields: Partial<ExactAccountCandidate> = {}): ExactAccountCandidate => ({
  id,
  code: `                ${id.toUpperCase()}`,
  name: `Name ${id}`,
  vatNumber: null,
  postcode: null,
  isCustomer: true,
  isSupplier: false,
  ...fields,
})
const party = (fields: Partial<Party> = {}): Party => ({ id: 'p1', ...fields })
const describeMatch = (m: ReturnType<typeof matchRelation>) => {
  switch (m.kind) {
    case 'matched':
      return `matched ${m.account.id} by ${m.by}`
    case 'ambiguous':
      return `ambiguous by ${m.by}: ${m.candidates.map((c) => c.id).join(',')}`
    case 'none':
      return 'none'
  }
}

describe('matchRelation', () => {
  const acme = account('a', {
    code: '              C017',
    name: 'Acme BV',
    vatNumber: 'BE0123456789',
    postcode: '2000',
  })
  const other = account('b', { code: 'C018', name: 'Other NV', vatNumber: 'BE0999999999', postcode: '9000' })

  test.each<[string, Party, ExactAccountCandidate[], string]>([
    [
      'pinned id wins over everything',
      party({ exactAccountId: 'b', code: 'C017' }),
      [acme, other],
      'matched b by pinned',
    ],
    [
      'a pinned id not in Exact falls through',
      party({ exactAccountId: 'gone', code: 'C017' }),
      [acme, other],
      'matched a by code',
    ],
    ['code compares trimmed (Exact pads to 18)', party({ code: 'C017' }), [acme, other], 'matched a by code'],
    ['code is case-sensitive', party({ code: 'c017' }), [acme, other], 'none'],
    ['VAT number normalised', party({ code: 'X1', vatNumber: 'be 0123.456.789' }), [acme, other], 'matched a by vat'],
    ['VAT with dashes', party({ vatNumber: 'BE-0999-999-999' }), [acme, other], 'matched b by vat'],
    [
      'name + postcode as last resort',
      party({ name: ' Acme  BV ', address: { postcode: '2000' } }),
      [acme, other],
      'matched a by name_postcode',
    ],
    ['name is case-sensitive', party({ name: 'ACME BV', address: { postcode: '2000' } }), [acme, other], 'none'],
    ['name without postcode is not enough', party({ name: 'Acme BV' }), [acme, other], 'none'],
    ['wrong postcode', party({ name: 'Acme BV', address: { postcode: '2018' } }), [acme, other], 'none'],
    ['nothing to match on', party(), [acme, other], 'none'],
    ['no candidates', party({ code: 'C017' }), [], 'none'],
  ])('%s', (_name, p, candidates, expected) => {
    expect(describeMatch(matchRelation(p, candidates))).toBe(expected)
  })

  test('two accounts with the same VAT number are ambiguous and listed', () => {
    const twin = account('c', { vatNumber: 'BE 0123 456 789' })
    expect(describeMatch(matchRelation(party({ vatNumber: 'BE0123456789' }), [acme, other, twin]))).toBe(
      'ambiguous by vat: a,c',
    )
  })

  test('two accounts with the same name and postcode are ambiguous', () => {
    const twin = account('c', { name: 'Acme BV', postcode: '2000' })
    expect(describeMatch(matchRelation(party({ name: 'Acme BV', address: { postcode: '2000' } }), [acme, twin]))).toBe(
      'ambiguous by name_postcode: a,c',
    )
  })

  test('postcode formatting does not matter', () => {
    const nl = account('n', { name: 'Foo BV', postcode: '1234 AB' })
    expect(describeMatch(matchRelation(party({ name: 'Foo BV', address: { postcode: '1234ab' } }), [nl]))).toBe(
      'matched n by name_postcode',
    )
  })

  test('code beats VAT number when both match different accounts', () => {
    expect(describeMatch(matchRelation(party({ code: 'C018', vatNumber: 'BE0123456789' }), [acme, other]))).toBe(
      'matched b by code',
    )
  })
})

test.each([
  ['BE0123456789', 'BE0123456789'],
  ['BE 0123.456.789', 'BE0123456789'],
  ['nl123456789b01', 'NL123456789B01'],
])('normaliseVatNumber(%s)', (input, expected) => {
  expect(normaliseVatNumber(input)).toBe(expected)
})

test.each([
  ['sales', { isCustomer: true, isSupplier: false }, null],
  ['sales', { isCustomer: false, isSupplier: true }, 'customer'],
  ['purchase', { isCustomer: true, isSupplier: false }, 'supplier'],
  ['purchase', { isCustomer: true, isSupplier: true }, null],
] as const)('rolesNeeded(%s, %j) = %s', (type, roles, expected) => {
  expect(rolesNeeded(type, roles)).toBe(expected)
})
