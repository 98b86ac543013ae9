import { describe, expect, jest, test } from '@jest/globals'
import * as realFs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

// Files named by inputs that can't be read: the error names the input, the line (where the
// input has lines) and the path, and says why in words, not a bare errno (issue #18: an
// unreadable certificate gave `EACCES: permission denied, open …` with no input name).
//
// These tests run as root on CI machines, where chmod 000 does not stop a read; so node:fs is
// stood in for with one that refuses the files named `locked*` as the kernel would (EACCES
// from open, not from stat, which needs no read permission). The last test does it for real
// when not root.

const dir = realFs.mkdtempSync(path.join(os.tmpdir(), 'input-files-'))
const locked = (name: string): string => path.join(dir, `locked-${name}`)
const eacces = (p: string): Error =>
  Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: p })
const isLocked = (p: unknown): boolean => typeof p === 'string' && path.basename(p).startsWith('locked-')
const readFileSync = ((p: unknown, ...rest: unknown[]) => {
  if (isLocked(p)) throw eacces(p as string)
  return (realFs.readFileSync as (...a: unknown[]) => unknown)(p, ...rest)
}) as typeof realFs.readFileSync
const fsStandIn = { ...realFs, readFileSync, default: { ...realFs, readFileSync } }
jest.unstable_mockModule('node:fs', () => fsStandIn)

const { getInputs } = await import('../../../src/drivers/read-inputs.js')
const { parseRemoteTls } = await import('../../../src/drivers/remote/inputs.js')
const { loadRegistryCerts } = await import('../../../src/config/certs.js')
const { fileReason, jsonErrorAt } = await import('../../../src/runner/input-files.js')
const { parseCniConfig } = await import('../../../src/cni/settings.js')

const pem = realFs.readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'buildkit', 'test-pki', 'ca.pem'), 'utf8')
for (const f of ['ca.pem', 'buildkitd.toml', 'cni.conflist']) realFs.writeFileSync(locked(f), f === 'ca.pem' ? pem : '{}', { mode: 0o000 })
const home = os.tmpdir()
const run = (m: Record<string, string>) => getInputs(n => m[n] ?? '', { env: {}, home })

function message(f: () => unknown): string {
  try {
    f()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('no error')
}

describe('an unreadable file named by an input', () => {
  test.each([
    [
      'registry-certs',
      () => loadRegistryCerts(run({ 'registry-certs': `# ca\nr.example ca=${locked('ca.pem')}` }).certRequests),
      `input "registry-certs", line 2: ca ${locked('ca.pem')} can't be read: permission denied`
    ],
    [
      'buildkitd-config',
      () => run({ 'buildkitd-config': locked('buildkitd.toml') }),
      `input "buildkitd-config": file "${locked('buildkitd.toml')}" can't be read: permission denied`
    ],
    [
      'cni-config',
      () => run({ cni: 'true', 'cni-config': locked('cni.conflist') }),
      `input "cni-config": file "${locked('cni.conflist')}" can't be read: permission denied`
    ],
    [
      'driver-opts cacert= (remote)',
      () => {
        const tls = parseRemoteTls(
          run({ driver: 'remote', endpoint: 'tcp://bk:1234', 'driver-opts': `cacert=${locked('ca.pem')}` }).nodes[0].driverOpts
        )
        return loadRegistryCerts([{ registry: 'bk', cas: [tls.cacert!], keypairs: [] }])
      },
      `input "driver-opts": ca ${locked('ca.pem')} can't be read: permission denied`
    ]
  ])('%s', (_name, f, expected) => {
    const m = message(f)
    expect(m.startsWith(expected)).toBe(true)
    expect(m).not.toMatch(/EACCES/)
  })

  test('a directory where a file is expected', () => {
    expect(message(() => run({ 'cni-config': dir, cni: 'true' }))).toBe(`input "cni-config": file "${dir}" is a directory`)
    expect(message(() => loadRegistryCerts(run({ 'registry-certs': `r.example ca=${dir}` }).certRequests))).toBe(
      `input "registry-certs", line 1: ca ${dir} is not a regular file`
    )
  })

  test.each([
    ['ENOENT', 'does not exist'],
    ['EACCES', "can't be read: permission denied"],
    ['EPERM', "can't be read: permission denied"],
    ['ENOTDIR', 'does not exist: a part of its path is a file'],
    ['EIO', "can't be read (EIO)"]
  ])('%s reads as "%s"', (code, words) => expect(fileReason(Object.assign(new Error('x'), { code }))).toMatch(words))

  const root = process.getuid?.() === 0
  ;(root ? test.skip : test)('for real, when not root: chmod 000', () => {
    const f = path.join(dir, 'really.pem')
    realFs.writeFileSync(f, pem, { mode: 0o000 })
    expect(message(() => loadRegistryCerts(run({ 'registry-certs': `r.example ca=${f}` }).certRequests))).toMatch(/permission denied/)
  })
})

describe('cni-config that is not JSON: its content is never quoted', () => {
  const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
  test.each([token, `${token}\n`, `{"a": ${token}}`, '{"a":', '{\n  "cniVersion": "1.0.0",\n  x\n}'])('%j', text => {
    const m = message(() => parseCniConfig(text, '/w/token.txt'))
    expect(m).toMatch(/^input "cni-config": \/w\/token.txt is not valid JSON/)
    expect(m).not.toContain('ghp_')
    expect(m).not.toContain('A1b2')
  })
  test('where it stopped, by line and column', () => {
    const text = '{\n  "cniVersion": "1.0.0",\n  x\n}'
    expect(jsonErrorAt(new SyntaxError(`Unexpected token x in JSON at position ${text.indexOf('x')}`), text)).toBe('at line 3, column 3')
  })
})
