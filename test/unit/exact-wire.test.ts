import {
  amountFromWire,
  amountToWire,
  guidLiteral,
  int64Literal,
  odataString,
  padCode,
  parseDate,
  parseInt64,
  parseList,
  parseOne,
  percentFromFraction,
  trimCode,
} from '../../src/exact/wire'

describe('envelopes', () => {
  it('reads {d:{results,__next}} and {d:[...]}', () => {
    expect(
      parseList({ d: { results: [{ a: 1 }], __next: 'https://x/api/v1/1/crm/Accounts?$skiptoken=guid%27a%27' } }),
    ).toEqual({
      results: [{ a: 1 }],
      next: 'https://x/api/v1/1/crm/Accounts?$skiptoken=guid%27a%27',
    })
    expect(parseList({ d: [{ a: 1 }] })).toEqual({ results: [{ a: 1 }] })
    expect(parseList({ d: { results: [] } })).toEqual({ results: [], next: undefined })
  })
  it('reads one entity, and the first row of a one-row collection (current/Me)', () => {
    expect(parseOne({ d: { EntryID: 'x' } })).toEqual({ EntryID: 'x' })
    expect(parseOne({ d: { results: [{ CurrentDivision: 7 }] } })).toEqual({ CurrentDivision: 7 })
    expect(parseOne({ d: { results: [] } })).toBeNull()
  })
  it('refuses a body without the envelope', () => {
    expect(() => parseList({ error: {} })).toThrow(TypeError)
  })
})

describe('dates', () => {
  it.each([
    ['/Date(1723420800000)/', '2024-08-12'],
    // 23:30 Amsterdam wall clock encoded as UTC is still the same day
    ['/Date(1723505400000)/', '2024-08-12'],
    ['/Date(1723420800000+0000)/', '2024-08-12'],
    ['2024-08-12T00:00:00', '2024-08-12'],
    [null, null],
  ])('%s -> %s', (wire, ours) => {
    expect(parseDate(wire)).toBe(ours)
  })
  it('refuses nonsense', () => expect(() => parseDate('yesterday')).toThrow(TypeError))
})

describe('Int64, codes and literals', () => {
  it('accepts Int64 as number or string', () => {
    expect(parseInt64(53346753)).toBe('53346753')
    expect(parseInt64('9007199254740993')).toBe('9007199254740993')
    expect(int64Literal('9007199254740993')).toBe('9007199254740993L')
    expect(int64Literal(5n)).toBe('5L')
    expect(() => parseInt64('12a')).toThrow()
  })
  it('pads codes to 18 and trims read values', () => {
    expect(padCode('255')).toBe('               255')
    expect(padCode('255')).toHaveLength(18)
    expect(trimCode('               255')).toBe('255')
    expect(trimCode('2  ')).toBe('2')
    expect(trimCode(null)).toBe('')
  })
  it('escapes OData strings and validates GUIDs', () => {
    expect(odataString("O'Brien & Zn")).toBe("'O''Brien & Zn'")
    expect(guidLiteral('3FA85F64-5717-4562-B3FC-2C963F66AFA6')).toBe("guid'3fa85f64-5717-4562-b3fc-2c963f66afa6'")
    expect(() => guidLiteral("x' or 1 eq 1")).toThrow(TypeError)
  })
})

describe('amounts', () => {
  it.each([
    [1210.5, '1210.50'],
    [1210, '1210.00'],
    [-0.01, '-0.01'],
    [0.1 + 0.2, '0.30'],
    ['99.99', '99.99'],
    [123456789012.34, '123456789012.34'],
  ])('%p from the wire is %s', (wire, money) => {
    expect(amountFromWire(wire)).toBe(money)
  })
  it('sends amounts as JSON numbers with the same decimal', () => {
    expect(amountToWire('1210.50')).toBe(1210.5)
    expect(JSON.stringify({ a: amountToWire('0.10') })).toBe('{"a":0.1}')
    expect(amountToWire('-123456789012.34')).toBe(-123456789012.34)
  })
  it('turns fractions into percent strings', () => {
    expect(percentFromFraction(0.21)).toBe('21')
    expect(percentFromFraction(0.055)).toBe('5.5')
    expect(percentFromFraction(0)).toBe('0')
  })
})
