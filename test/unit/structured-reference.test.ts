import {
  isValidStructuredReference,
  looksStructured,
  structuredReferenceFor,
} from '../../src/domain/structured-reference'

describe('Belgian structured communication', () => {
  test.each([
    // 0020260042 mod 97 = 40
    ['2026-0042', '+++002/0260/04240+++'],
    ['1', '+++000/0000/00101+++'],
    // 97 × 103 = 9991: a remainder of 0 is written 97
    ['9991', '+++000/0009/99197+++'],
    // more than 10 digits: the last 10
    ['INV-2026-000001234', '+++600/0001/23480+++'],
  ])('%s -> %s', (number, expected) => {
    const reference = structuredReferenceFor(number)
    expect(reference).toBe(expected)
    expect(isValidStructuredReference(reference!)).toBe(true)
  })

  test('a number without digits has none', () => {
    expect(structuredReferenceFor('ABC')).toBeNull()
  })

  test.each([
    ['+++090/9337/55493+++', true],
    ['***090/9337/55493***', true],
    ['+++090/9337/55494+++', false],
    ['+++0909337/55493+++', false],
  ])('%s valid: %s', (reference, valid) => {
    expect(looksStructured(reference)).toBe(true)
    expect(isValidStructuredReference(reference)).toBe(valid)
  })

  test('a free-form reference is not taken for one', () => {
    expect(looksStructured('RF18539007547034')).toBe(false)
  })
})
