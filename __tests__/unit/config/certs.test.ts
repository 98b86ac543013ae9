import { afterAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { generateKeyPairSync } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { loadPem, loadRegistryCerts, looksLikePem, pemBlocks, sha256, type PemRef } from '../../../src/config/certs.js'
import { redact, resetSecrets } from '../../../src/runner/redact.js'
import { pki, pkiDir } from '../../helpers.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certs-test-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, content)
  return p
}

// The fixture certificates are valid from 2026-11-27 to 2036-11-24.
const NOW = new Date('2027-01-01T00:00:00Z')
const ref = (kind: PemRef['kind'], r: string): PemRef => ({ kind, ref: r, input: 'registry-certs', line: 3 })
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string
const encryptedKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
  cipher: 'aes-256-cbc',
  passphrase: 'pw'
}) as string

beforeEach(() => resetSecrets())

describe('loadPem', () => {
  test('a CA file loads with subject, fingerprint and expiry', () => {
    const pem = loadPem(ref('ca', path.join(pkiDir, 'ca.pem')), { warnings: [] }, NOW)
    expect(pem.info).toEqual({
      subject: 'CN=fixture-test-ca',
      issuer: 'CN=fixture-test-ca',
      fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      notAfter: new Date('2036-11-24T20:53:37Z')
    })
    expect(pem.sha256).toBe(sha256(pki('ca.pem')))
  })

  test('env:NAME reads the variable', () => {
    const pem = loadPem(ref('cert', 'env:MY_CERT'), { warnings: [] }, NOW, { MY_CERT: pki('client.crt') })
    expect(pem.info?.subject).toBe('CN=fixture-client')
    expect(pem.content.toString()).toBe(pki('client.crt'))
  })

  test('a CA bundle checks every certificate', () => {
    const bundle = file('bundle.pem', pki('ca.pem') + pki('client.crt'))
    expect(loadPem(ref('ca', bundle), { warnings: [] }, NOW).info?.subject).toBe('CN=fixture-test-ca')
  })

  // The client certificate expires on 2036-11-24T20:53:37Z.
  test.each([
    ['2036-11-10T00:00:00Z', 'expires in 14 days'],
    ['2036-11-23T12:00:00Z', 'expires in 1 day'],
    ['2036-11-24T10:00:00Z', 'expires within a day']
  ])('a certificate expiring within 30 days is a warning: on %s it %s', (now, words) => {
    const notes = { warnings: [] as string[] }
    loadPem(ref('cert', path.join(pkiDir, 'client.crt')), notes, new Date(now))
    expect(notes.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^registry-certs line 3: cert .*client.crt ${words}, on 2036-11-24T20:53:37.000Z \\(CN=fixture-client\\)$`)
      )
    ])
  })

  const bad: [PemRef['kind'], () => string, RegExp][] = [
    ['ca', () => '/nonexistent/ca.pem', /^input "registry-certs", line 3: ca \/nonexistent\/ca.pem does not exist$/],
    ['ca', () => dir, /ca .* is not a regular file/],
    ['ca', () => file('empty.pem', '\n'), /ca .*empty.pem is empty/],
    ['ca', () => file('text.pem', 'hello'), /holds no PEM block/],
    ['ca', () => file('keyonly.pem', pki('client.key')), /ca .* holds a private key; a CA file must hold certificates only/],
    ['cert', () => file('withkey.pem', pki('client.crt') + pki('client.key')), /holds a private key; a certificate file/],
    [
      'cert',
      () => file('csr.pem', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'),
      /holds no certificate \(found CERTIFICATE REQUEST\)/
    ],
    ['cert', () => file('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /certificate #1 can't be parsed/],
    ['key', () => file('nokey.pem', pki('client.crt')), /holds no private key \(found CERTIFICATE\)/],
    ['key', () => file('twokeys.pem', pki('client.key') + otherKey), /holds more than one private key/],
    ['key', () => file('enc.pem', encryptedKey), /is encrypted; BuildKit can only use an unencrypted key/],
    ['key', () => file('badkey.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), /is not a valid PRIVATE KEY/],
    ['key', () => 'env:UNSET_VAR_FOR_TEST', /key env:UNSET_VAR_FOR_TEST is not set; add UNSET_VAR_FOR_TEST to the step's env/],
    ['key', () => 'env:1BAD', /does not name a valid environment variable/],
    ['key', () => file('big.pem', Buffer.alloc(1024 * 1024 + 1, 'A')), /bytes; buildx copies at most 1048576/]
  ]
  test.each(bad)('%s #%#', (kind, make, message) => {
    expect(() => loadPem(ref(kind, make()), { warnings: [] }, NOW, {})).toThrow(message)
  })

  test('an expired certificate is an error', () => {
    expect(() => loadPem(ref('cert', path.join(pkiDir, 'client.crt')), { warnings: [] }, new Date('2037-01-01'))).toThrow(
      /cert .*client.crt expired on 2036-11-24T20:53:37.000Z \(CN=fixture-client\)/
    )
  })

  test('EC keys (SEC1) load', () => {
    expect(loadPem(ref('key', file('ec.key', ecKey)), { warnings: [] }, NOW).content.toString()).toBe(ecKey)
  })

  test('a key is a secret from the moment it is read, even when it then fails a check', () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    expect(() => loadPem(ref('key', file('enc2.pem', encryptedKey)), { warnings: [] }, NOW)).toThrow()
    spy.mockRestore()
    for (const line of encryptedKey.split('\n').filter(l => l.length >= 8 && !l.startsWith('-----'))) {
      expect(redact(`x ${line} y`)).toBe('x *** y')
    }
  })
})

describe('loadRegistryCerts', () => {
  const kp = (cert: string, key: string) => ({ cert: ref('cert', cert), key: ref('key', key) })

  test('sets are grouped per registry; a CA named twice is kept once', () => {
    const { sets, warnings } = loadRegistryCerts(
      [
        { registry: 'a.example', cas: [ref('ca', path.join(pkiDir, 'ca.pem'))], keypairs: [] },
        { registry: 'b.example:5443', cas: [], keypairs: [kp(path.join(pkiDir, 'client.crt'), 'env:K')] },
        { registry: 'a.example', cas: [ref('ca', 'env:CA')], keypairs: [kp('env:C', 'env:K')] }
      ],
      NOW,
      { K: pki('client.key'), CA: pki('ca.pem'), C: pki('client.crt') }
    )
    expect(warnings).toEqual([])
    expect(sets.map(s => [s.registry, s.cas.length, s.keypairs.length])).toEqual([
      ['a.example', 1, 1],
      ['b.example:5443', 0, 1]
    ])
  })

  test('a key that does not belong to the certificate is an error naming both', () => {
    expect(() =>
      loadRegistryCerts([{ registry: 'a.example', cas: [], keypairs: [kp(path.join(pkiDir, 'client.crt'), 'env:K')] }], NOW, {
        K: otherKey
      })
    ).toThrow(/key env:K does not match certificate .*client.crt \(CN=fixture-client\)/)
  })

  test('every key is registered before any certificate is checked', () => {
    resetSecrets()
    expect(() =>
      loadRegistryCerts(
        [
          { registry: 'a.example', cas: [ref('ca', '/nonexistent.pem')], keypairs: [] },
          { registry: 'b.example', cas: [], keypairs: [kp('/nonexistent.crt', 'env:K')] }
        ],
        NOW,
        { K: pki('client.key') }
      )
    ).toThrow(/does not exist/)
    const line = pki('client.key').split('\n')[5]
    expect(redact(line)).toBe('***')
  })
})

describe('PEM text', () => {
  test('pemBlocks finds labelled blocks', () => {
    expect(pemBlocks(pki('client.crt') + ecKey).map(b => b.label)).toEqual(['CERTIFICATE', 'EC PRIVATE KEY'])
  })
  test.each([
    ['-----BEGIN PRIVATE KEY-----', true],
    ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC9yD7Fmwhmyof5', true],
    ['r.example ca=env:CA', false],
    ['r.example ca=./certs/very-long-file-name-that-is-not-base64-at-all.pem', false]
  ])('looksLikePem(%j) = %s', (text, yes) => expect(looksLikePem(text)).toBe(yes))
})
