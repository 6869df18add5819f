import { signWebhook, verifyWebhook, webhookHeaders } from '../../src/domain/webhook-signer'

// The worked example from the Standard Webhooks specification.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

describe('webhook signer (Standard Webhooks)', () => {
  it('reproduces the specification example', () => {
    expect(signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature)
  })

  it('builds the three headers', () => {
    expect(webhookHeaders(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toEqual({
      'webhook-id': SPEC.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': SPEC.signature,
    })
  })

  it('accepts a secret without the whsec_ prefix', () => {
    expect(signWebhook('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature)
  })

  it.each([
    ['the example', SPEC.signature, SPEC.body, SPEC.timestamp, true],
    ['one of several signatures', `v1,bm9wZQ== ${SPEC.signature}`, SPEC.body, SPEC.timestamp, true],
    ['a changed body', SPEC.signature, '{"test": 2432232315}', SPEC.timestamp, false],
    ['a timestamp 6 minutes old', SPEC.signature, SPEC.body, SPEC.timestamp + 360, false],
    ['a timestamp 4 minutes old', SPEC.signature, SPEC.body, SPEC.timestamp + 240, true],
  ])('verify: %s', (_name, signature, body, now, ok) => {
    const headers = { id: SPEC.id, timestamp: String(SPEC.timestamp), signature }
    expect(verifyWebhook(SPEC.secret, headers, body, now)).toBe(ok)
  })

  it('refuses an empty secret', () => {
    expect(() => signWebhook('whsec_', SPEC.id, SPEC.timestamp, SPEC.body)).toThrow(/empty/)
  })
})
