import { beforeEach, describe, expect, test } from '@jest/globals'
import { addSecret, hasSecrets, redact, resetSecrets } from '../../../src/runner/redact.js'
import { pki } from '../../helpers.js'

beforeEach(() => resetSecrets())

describe('redact', () => {
  test('nothing registered: text unchanged', () => {
    expect(hasSecrets()).toBe(false)
    expect(redact('a line')).toBe('a line')
  })

  test('a whole key and each of its lines are replaced', () => {
    const key = pki('client.key')
    addSecret(key)
    const body = key.split('\n').filter(l => l && !l.startsWith('-----'))
    expect(redact(`before\n${key}after`)).toBe('before\n***\nafter')
    for (const line of body) expect(redact(`File: ${line}`)).toBe('File: ***')
    // PEM armour is public and stays readable.
    expect(redact('-----BEGIN PRIVATE KEY-----')).toBe('-----BEGIN PRIVATE KEY-----')
  })

  test('CRLF keys are split the same way', () => {
    addSecret('line-one-secret\r\nline-two-secret\r\n')
    expect(redact('x line-two-secret y')).toBe('x *** y')
  })

  test('short fragments are not registered (they would mask ordinary words)', () => {
    addSecret('abc\nlong-enough-secret')
    expect(redact('abc')).toBe('abc')
    expect(redact('long-enough-secret')).toBe('***')
  })
})
