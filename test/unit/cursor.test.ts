import {
  decodeCursor,
  decodeTimeIdCursor,
  encodeCursor,
  encodeTimeIdCursor,
  tryDecodeCursor,
  UUID,
} from '../../src/domain/cursor'

const id = '0b5a1f7e-3c2d-4e5f-8a9b-0c1d2e3f4a5b'

test('a cursor round-trips its values', () => {
  const c = { cursorTime: '2026-12-02 00:44:07.123456+00', id }
  expect(decodeTimeIdCursor(encodeTimeIdCursor(c), 'querystring/cursor')).toEqual(c)
  expect(decodeCursor(encodeCursor(['42', id]), [/^\d+$/, UUID], 'querystring/since')).toEqual(['42', id])
})

test('a forged cursor is a validation_failed naming the field, never a value of the wrong shape', () => {
  expect(tryDecodeCursor('not base64 json!', [UUID])).toBeUndefined()
  expect(tryDecodeCursor(encodeCursor(['x']), [UUID])).toBeUndefined()
  expect(tryDecodeCursor(encodeCursor([id, id]), [UUID])).toBeUndefined()
  expect(() => decodeTimeIdCursor(encodeCursor(['2026-12-02', id]), 'querystring/cursor')).toThrow(
    expect.objectContaining({ code: 'validation_failed', field: 'querystring/cursor' }),
  )
})
