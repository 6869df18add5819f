import { isMarker, newMarker } from '../../src/domain/marker'

describe('newMarker', () => {
  test.each([
    [[0, 0, 0, 0, 0], 'xb-00000000'],
    [[255, 255, 255, 255, 255], 'xb-ZZZZZZZZ'],
    [[0, 0, 0, 0, 1], 'xb-00000001'],
    [[0, 0, 0, 0, 32], 'xb-00000010'],
    [[0x08, 0x42, 0x10, 0x84, 0x21], 'xb-11111111'],
    [[0xff, 0, 0, 0, 0, 0xaa], 'xb-ZW000000'],
  ])('%j -> %s', (bytes, expected) => {
    expect(newMarker(Uint8Array.from(bytes))).toBe(expected)
  })

  test('only Crockford characters, never I L O U', () => {
    for (let seed = 0; seed < 256; seed++) {
      const marker = newMarker(Uint8Array.from([seed, seed * 7, seed * 13, seed * 31, seed * 61].map((n) => n & 255)))
      expect(isMarker(marker)).toBe(true)
      expect(marker.slice(3)).not.toMatch(/[ILOU]/)
    }
  })

  test('needs five random bytes', () => {
    expect(() => newMarker(new Uint8Array(4))).toThrow(RangeError)
  })

  test.each([
    ['xb-3F7K9Q2M', true],
    ['xb-3F7K9Q2', false],
    ['xb-3F7K9Q2I', false],
    ['XB-3F7K9Q2M', false],
  ])('isMarker(%s) = %s', (value, ok) => {
    expect(isMarker(value)).toBe(ok)
  })
})
