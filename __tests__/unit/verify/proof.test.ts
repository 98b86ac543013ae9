import { describe, expect, test } from '@jest/globals'
import { parse } from 'smol-toml'
import type { TomlTable } from '../../../src/config/toml.js'
import {
  attemptsFor,
  buildctlError,
  errorKind,
  hostChain,
  judgeProbe,
  judgePull,
  parseLogLine,
  probes,
  resolvedRef,
  type Attempt,
  type ExplainContext
} from '../../../src/verify/proof.js'
import { parseResolveOutput, type Resolution } from '../../../src/buildkit/resolve.js'
import { parseImageRef, type ImageRef } from '../../../src/docker/refs.js'
import { fixture } from '../../helpers.js'

// The proof of effect against REAL captures of BuildKit v0.29 resolving images
// (__tests__/fixtures/buildkit/05-*: buildctl's stderr and exit code, the daemon's log).

const ref = (s: string): ImageRef => {
  const r = parseImageRef(s)
  if (typeof r === 'string') throw new Error(r)
  return r
}
const tree = (name: string): TomlTable => parse(fixture(`${name}.input.toml`)) as TomlTable
const resolution = (name: string): Resolution => ({
  exitCode: Number(fixture(`${name}.exit`).trim()),
  stderr: fixture(`${name}.stderr`),
  timedOut: false
})
const ctx = (t: TomlTable, certs: ExplainContext['certs'] = new Map()): ExplainContext => ({ tree: t, certs })

/** Judges one capture the way main does: span from buildctl's output, lines from the log. */
function judgeCapture(name: string, image: string, certs?: ExplainContext['certs']) {
  const t = tree(name)
  const r = ref(image)
  const res = resolution(name)
  const attempts = attemptsFor(fixture(`${name}.daemon.log`), resolvedRef(res.stderr, r.normalised))
  return judgePull(r, hostChain(t, r.registry), res, attempts, ctx(t, certs))
}

describe('the daemon log', () => {
  test.each([
    ['05-mirror-ok', 'docker.io/library/alpine:latest', []],
    [
      '05-mirror-dead',
      'docker.io/library/alpine:latest',
      [
        {
          error:
            'failed to do request: Head "http://127.0.0.1:5009/v2/library/alpine/manifests/latest?ns=docker.io": dial tcp 127.0.0.1:5009: connect: ' +
            'connection refused'
        },
        {
          error:
            'failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/latest": dial tcp: lookup registry-1.docker.io on ' +
            '127.0.0.53:53: no such host'
        }
      ]
    ],
    [
      '05-mirror-404',
      'docker.io/library/busybox:latest',
      [
        { status: '404 Not Found' },
        {
          error:
            'failed to do request: Head "https://registry-1.docker.io/v2/library/busybox/manifests/latest": dial tcp: lookup registry-1.docker.io on ' +
            '127.0.0.53:53: no such host'
        }
      ]
    ],
    [
      '05-mtls-no-ca',
      'myregistry.test:5443/rig/base:1',
      [
        {
          error:
            'failed to do request: Head "https://myregistry.test:5443/v2/rig/base/manifests/1": tls: failed to verify certificate: x509: certificate ' +
            'signed by unknown authority'
        }
      ]
    ],
    [
      '05-mtls-no-client-cert',
      'myregistry.test:5443/rig/base:1',
      [{ error: 'failed to do request: Head "https://myregistry.test:5443/v2/rig/base/manifests/1": remote error: tls: bad certificate' }]
    ]
  ] as [string, string, Attempt[]][])('%s: the failed hosts of span "resolving %s"', (name, span, attempts) => {
    expect(attemptsFor(fixture(`${name}.daemon.log`), span)).toEqual(attempts)
    // Another reference's span is not read.
    expect(attemptsFor(fixture(`${name}.daemon.log`), 'docker.io/library/other:latest')).toEqual([])
  })

  test('debug lines of the same span are not failures (real debug log of a build through a mirror)', () => {
    expect(attemptsFor(fixture('01-daemon-debug-mirror.log'), 'docker.io/library/alpine:latest')).toEqual([])
  })

  test('the reference buildctl printed is the span', () => {
    expect(resolvedRef(fixture('05-mirror-404.stderr'), 'x')).toBe('docker.io/library/busybox:latest')
    expect(resolvedRef('', 'fallback')).toBe('fallback')
  })

  test.each([
    [
      'logfmt with Go quoting',
      'time="t" level=info msg="trying next host" error="a \\"q\\" b" span="resolving r"',
      { level: 'info', msg: 'trying next host', error: 'a "q" b', span: 'resolving r' }
    ],
    [
      'JSON (log format json)',
      '{"level":"info","msg":"fetch failed","error":"x","span":"resolving r"}',
      { level: 'info', msg: 'fetch failed', error: 'x', span: 'resolving r' }
    ],
    ['unquoted msg', 'level=debug msg=resolving span="resolving r"', { level: 'debug', msg: 'resolving' }]
  ])('parses %s', (_t, line, fields) => expect(parseLogLine(line)).toMatchObject(fields))

  test("an older daemon's 404 line and a status on the last host", () => {
    const log = [
      'level=info msg="trying next host - response was http.StatusNotFound" span="resolving r"',
      'level=info msg="fetch failed after status: 401 Unauthorized" span="resolving r"'
    ].join('\n')
    expect(attemptsFor(log, 'r')).toEqual([{ status: '404 Not Found' }, { status: '401 Unauthorized' }])
  })

  test("buildctl's error line", () => {
    expect(buildctlError(fixture('05-mtls-no-ca.stderr'))).toBe(
      'myregistry.test:5443/rig/base:1: failed to resolve source metadata for myregistry.test:5443/rig/base:1: failed to do request: Head ' +
        '"https://myregistry.test:5443/v2/rig/base/manifests/1": tls: failed to verify certificate: x509: certificate signed by unknown authority'
    )
  })
})

describe('verify-pull: which host served it, and what failed', () => {
  test('served by the mirror (real capture)', () => {
    expect(judgeCapture('05-mirror-ok', 'alpine')).toEqual({
      pull: { ref: 'docker.io/library/alpine:latest', status: 'ok', ok: true, host: 'mirror.rig.test:5001', via_mirror: true, error: null }
    })
  })

  test('dead mirror, upstream unreachable: a failure naming the mirror (real capture)', () => {
    const j = judgeCapture('05-mirror-dead', 'alpine')
    expect(j.pull).toMatchObject({ status: 'failed', ok: false, host: null, via_mirror: null })
    expect(j.pull.error).toMatch(
      new RegExp(
        String.raw`^nothing listens at mirror 127\.0\.0\.1:5009 \(connection refused\): is it running at that address\? ` +
          String.raw`\(in the builder, 127\.0\.0\.1 is the builder's own container unless driver-opts has network=host\); ` +
          String.raw`registry-1\.docker\.io does not resolve \(DNS\), so registry docker\.io can't be reached`
      )
    )
    expect(j.pull.error).toContain('(daemon: docker.io/library/alpine:latest: failed to resolve source metadata')
    expect(j.problem).toBe(`docker.io/library/alpine:latest: ${j.pull.error}`)
  })

  test('a mirror without the image, upstream unreachable (real capture)', () => {
    const j = judgeCapture('05-mirror-404', 'busybox')
    expect(j.pull.status).toBe('failed')
    expect(j.pull.error).toMatch(
      /^mirror mirror\.rig\.test:5001 does not have the image \(404 Not Found\); registry-1\.docker\.io does not resolve/
    )
  })

  test('an image no host has (real capture)', () => {
    const j = judgeCapture('05-not-found', 'nonexistent-image:1')
    expect(j.pull.error).toMatch(/^mirror mirror\.rig\.test:5001 does not have the image/)
  })

  test('mTLS: CA and keypair given (real capture)', () => {
    expect(judgeCapture('05-mtls-ok', 'myregistry.test:5443/rig/base:1').pull).toEqual({
      ref: 'myregistry.test:5443/rig/base:1',
      status: 'ok',
      ok: true,
      host: 'myregistry.test:5443',
      via_mirror: null,
      error: null
    })
  })

  test('mTLS: no CA (real capture): names the registry and the registry-certs line that fixes it', () => {
    const j = judgeCapture('05-mtls-no-ca', 'myregistry.test:5443/rig/base:1')
    expect(j.pull.error).toMatch(
      new RegExp(
        String.raw`^registry myregistry\.test:5443 presents a TLS certificate signed by a CA the builder does not trust: its CA is missing; ` +
          String.raw`add it with registry-certs: "myregistry\.test:5443 ca=env:NAME"`
      )
    )
    expect(j.pull.error).toContain('x509: certificate signed by unknown authority')
  })

  test('mTLS: a CA that is given but does not sign it', () => {
    const j = judgeCapture(
      '05-mtls-no-ca',
      'myregistry.test:5443/rig/base:1',
      new Map([['myregistry.test:5443', { ca: 'registry-certs line 2' }]])
    )
    expect(j.pull.error).toMatch(
      /^registry myregistry\.test:5443 presents a TLS certificate that the CA given in registry-certs line 2 does not sign/
    )
  })

  test('mTLS: no client certificate (real capture)', () => {
    const j = judgeCapture('05-mtls-no-client-cert', 'myregistry.test:5443/rig/base:1')
    expect(j.pull.error).toMatch(
      /^registry myregistry\.test:5443 wants a client certificate \(mTLS\) and none was given: add one with registry-certs: /
    )
    expect(j.pull.error).toContain('add one with registry-certs: "myregistry.test:5443 cert=env:CERT key=env:KEY"')
  })

  const t = parse('[registry."docker.io"]\nmirrors = ["m1.test", "m2.test/hub"]\n') as TomlTable
  const ok: Resolution = { exitCode: 0, stderr: '', timedOut: false }
  const failed = (err: string): Resolution => ({ exitCode: 1, stderr: `error: failed to solve: ${err}\n`, timedOut: false })
  const chain = hostChain(t, 'docker.io')
  const refused = {
    error: 'failed to do request: Head "https://m1.test/v2/x?ns=docker.io": dial tcp 10.0.0.1:443: connect: connection refused'
  }

  test.each([
    ['no failed host: the first mirror', [], 'm1.test', true],
    ['one failed host: the second mirror', [refused], 'm2.test/hub', true],
    ['both mirrors failed: the registry', [refused, { status: '404 Not Found' }], 'docker.io', false]
  ] as [string, Attempt[], string, boolean][])('served: %s', (_t, attempts, host, viaMirror) => {
    const j = judgePull(ref('alpine'), chain, ok, attempts, ctx(t))
    expect(j.pull).toMatchObject({ status: 'ok', host, via_mirror: viaMirror })
    expect(j.pull.ok).toBe(viaMirror)
  })

  test('served by the registry although it has mirrors: a problem that says why the mirrors failed', () => {
    const j = judgePull(ref('alpine'), chain, ok, [refused, { status: '404 Not Found' }], ctx(t))
    expect(j.problem).toBe(
      'docker.io/library/alpine:latest: served by the registry docker.io, not by its mirrors: nothing listens at mirror m1.test (connection refused): ' +
        'is it running at that address?; mirror m2.test/hub does not have the image (404 Not Found)'
    )
  })

  test('no daemon log: the host is unknown (null), not guessed', () => {
    expect(judgePull(ref('alpine'), chain, ok, undefined, ctx(t)).pull).toMatchObject({
      status: 'ok',
      ok: true,
      host: null,
      via_mirror: null
    })
  })

  test('a registry without mirrors: via_mirror is null', () => {
    const j = judgePull(ref('ghcr.io/o/x:1'), hostChain(t, 'ghcr.io'), ok, [], ctx(t))
    expect(j.pull).toMatchObject({ host: 'ghcr.io', via_mirror: null, ok: true })
  })

  test('a digest is looked up under /blobs after every host failed under /manifests', () => {
    const j = judgePull(
      ref(`alpine@sha256:${'b'.repeat(64)}`),
      chain,
      ok,
      [{ status: '404 Not Found' }, { status: '404 Not Found' }, { status: '404 Not Found' }, refused],
      ctx(t)
    )
    expect(j.pull.host).toBe('m2.test/hub')
  })

  test('auth-required: the host that asked for credentials, not a failure', () => {
    const j = judgePull(
      ref('alpine'),
      chain,
      failed('unexpected status from HEAD request to https://m1.test/v2/library/alpine/manifests/latest?ns=docker.io: 401 Unauthorized'),
      [{ status: '401 Unauthorized' }, refused],
      ctx(t)
    )
    expect(j.pull).toEqual({
      ref: 'docker.io/library/alpine:latest',
      status: 'auth-required',
      ok: true,
      host: 'm1.test',
      via_mirror: true,
      error: null
    })
    expect(j.problem).toBeUndefined()
    expect(j.hint).toMatch(/docker login/)
  })

  test("auth-required from Docker Hub's token flow (pull access denied)", () => {
    const j = judgePull(
      ref('ghcr.io/o/private:1'),
      hostChain(t, 'ghcr.io'),
      failed(
        'ghcr.io/o/private:1: failed to resolve source metadata for ghcr.io/o/private:1: pull access denied, repository does not exist or may require ' +
          'authorization: server message: insufficient_scope: authorization failed'
      ),
      [],
      ctx(t)
    )
    expect(j.pull.status).toBe('auth-required')
  })

  test('a time-out names the host being tried', () => {
    const j = judgePull(ref('alpine'), chain, { exitCode: 143, stderr: '', timedOut: true }, [refused], ctx(t))
    expect(j.pull.error).toMatch(/the daemon did not resolve it within 30 s while trying mirror m2\.test\/hub$/)
  })

  test("no log lines: the daemon's error explained, the host taken from its URL", () => {
    const j = judgePull(
      ref('alpine'),
      chain,
      failed(
        'failed to do request: Head "https://m2.test/v2/hub/library/alpine/manifests/latest?ns=docker.io": http: server gave HTTP response to HTTPS client'
      ),
      [],
      ctx(t)
    )
    expect(j.pull.error).toMatch(
      /^mirror m2\.test\/hub speaks plain HTTP, but the builder spoke HTTPS to it: list it in http-registries \(for a mirror, write http:\/\/m2\.test\)/
    )
  })

  test('the resolution never ran', () => {
    expect(judgePull(ref('alpine'), chain, undefined, [], ctx(t)).pull).toMatchObject({ status: 'failed', ok: false })
  })
})

describe('error kinds', () => {
  test.each([
    [{ error: 'tls: failed to verify certificate: x509: certificate signed by unknown authority' }, 'unknown-authority'],
    [{ error: 'tls: failed to verify certificate: x509: certificate is valid for a.test, not b.test' }, 'wrong-name'],
    [{ error: 'x509: certificate has expired or is not yet valid: current time …' }, 'expired'],
    [{ error: 'remote error: tls: bad certificate' }, 'client-cert'],
    [{ error: 'remote error: tls: certificate required' }, 'client-cert'],
    // BuildKit v0.32.2's resolver (seen on a real daemon): net/http's read loop names itself first.
    [
      {
        error:
          'failed to do request: Head "https://127.0.0.1:41063/v2/rig/base/manifests/1": readLoopPeekFailLocked: remote error: tls: bad certificate'
      },
      'client-cert'
    ],
    [{ error: 'http: server gave HTTP response to HTTPS client' }, 'http-to-https'],
    [{ status: '400 Bad Request' }, 'https-to-http'],
    [{ status: '404 Not Found' }, 'not-found'],
    [{ error: 'docker.io/library/x:1: not found' }, 'not-found'],
    [{ status: '401 Unauthorized' }, 'auth'],
    [{ status: '403 Forbidden' }, 'forbidden'],
    [{ error: 'dial tcp 127.0.0.1:5009: connect: connection refused' }, 'refused'],
    [{ error: 'dial tcp: lookup registry.invalid on 10.0.0.53:53: no such host' }, 'dns'],
    [{ error: 'dial tcp 10.1.1.1:443: i/o timeout' }, 'timeout'],
    [{ status: '503 Service Unavailable' }, 'server'],
    [
      {
        error:
          'failed to authorize: failed to fetch anonymous token: Get "https://auth.corp.test/token?scope=x": tls: failed to verify certificate: x509: ' +
          'certificate signed by unknown authority'
      },
      'token'
    ],
    [{ error: 'something else' }, 'other']
  ] as [Attempt, string][])('%j → %s', (a, kind) => expect(errorKind(a)).toBe(kind))
})

describe('check-registries', () => {
  const t = parse(
    [
      '[registry."docker.io"]',
      'mirrors = ["127.0.0.1:5009", "mirror.test:5001"]',
      '[registry."mirror.test:5001"]',
      'http = true',
      '[registry."myregistry.test:5443"]',
      'ca = ["/etc/buildkit/certs/x/ca.pem"]'
    ].join('\n')
  ) as TomlTable

  test("one probe per registry; a mirror's own section is checked through its registry", () => {
    expect(probes(t).map(p => [p.ref.normalised, p.chain.hosts])).toEqual([
      ['docker.io/buildkit-builder-check/absent:probe', ['127.0.0.1:5009', 'mirror.test:5001', 'docker.io']],
      ['myregistry.test:5443/buildkit-builder-check/absent:probe', ['myregistry.test:5443']]
    ])
  })

  test('404 and 401 are answers; a transport error is a failure with its explanation', () => {
    const chain = hostChain(t, 'docker.io')
    const res: Resolution = {
      exitCode: 1,
      stderr: 'error: failed to solve: docker.io/buildkit-builder-check/absent:probe: not found\n',
      timedOut: false
    }
    const attempts: Attempt[] = [
      {
        error: 'failed to do request: Head "http://127.0.0.1:5009/v2/x?ns=docker.io": dial tcp 127.0.0.1:5009: connect: connection refused'
      },
      { status: '404 Not Found' },
      { status: '401 Unauthorized' }
    ]
    const checks = judgeProbe(chain, res, attempts, ctx(t))
    expect(checks.map(c => [c.host, c.ok])).toEqual([
      ['127.0.0.1:5009', false],
      ['mirror.test:5001', true],
      ['docker.io', true]
    ])
    expect(checks[0].error).toMatch(/^nothing listens at mirror 127\.0\.0\.1:5009 \(connection refused\).*\(daemon: failed to do request/)
  })

  test('the real mTLS captures as probes', () => {
    const chain = hostChain(tree('05-mtls-no-client-cert'), 'myregistry.test:5443')
    const res = resolution('05-mtls-no-client-cert')
    const checks = judgeProbe(
      chain,
      res,
      attemptsFor(fixture('05-mtls-no-client-cert.daemon.log'), 'myregistry.test:5443/rig/base:1'),
      ctx(tree('05-mtls-no-client-cert'))
    )
    expect(checks).toEqual([
      {
        host: 'myregistry.test:5443',
        ok: false,
        error: expect.stringMatching(/wants a client certificate.*\(daemon: failed to do request: .*remote error: tls: bad certificate\)$/)
      }
    ])
  })
})

describe('the script output', () => {
  test('one resolution per reference; a missing one is undefined; time-outs recognised', () => {
    const out = [
      '@@resolve-begin 1\n#1 ...\nerror: x\n@@resolve-end 1 1 0',
      '@@resolve-begin 2\n@@resolve-end 2 0 1',
      '@@resolve-begin 3\n@@resolve-end 3 143 30',
      // buildctl caught timeout's SIGTERM and exited 1 at the limit
      '@@resolve-begin 4\nerror: failed to solve: Canceled: context canceled\n@@resolve-end 4 1 30'
    ].join('\n')
    expect(parseResolveOutput(out, 5)).toEqual([
      { exitCode: 1, stderr: '#1 ...\nerror: x\n', timedOut: false },
      { exitCode: 0, stderr: '', timedOut: false },
      { exitCode: 143, stderr: '', timedOut: true },
      { exitCode: 1, stderr: 'error: failed to solve: Canceled: context canceled\n', timedOut: true },
      undefined
    ])
  })
})
