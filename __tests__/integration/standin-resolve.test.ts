import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createArgs } from '../../src/docker/buildx.js'
import { buildkitImage, containerOf, describeDocker, docker, forceRemove, uniqueName } from './docker-env.js'
import { startRegistries, type TestRegistries } from './registry-env.js'

// Image resolution in a builder, against real registries (registry-env.ts): what the
// action's proof of effect will run in the builder container, one `buildctl build` of a
// Dockerfile `FROM <ref>` with the outline subrequest, then the daemon's log lines in the
// span `resolving <ref>`. Runs against the stand-in image (__tests__/standin) and, with
// BUILDKIT_IMAGE, against a real moby/buildkit image: the expectations are BuildKit
// v0.29's (captures in __tests__/fixtures/buildkit/05-*, containerd's resolver).
jest.setTimeout(300_000)

/** The command of the proof, for one reference; $1 a fresh directory, $2 the reference. */
const BUILD = `mkdir "$1" && printf 'FROM %s\\n' "$2" >"$1/Dockerfile" &&
timeout 30 buildctl build --progress plain --frontend dockerfile.v0 --local context="$1" --local dockerfile="$1" \\
  --opt requestid=frontend.outline --ref-file "$1/ref"`

interface LogLine {
  level: string
  msg: string
  error?: string
  span?: string
}

/** logrus text lines -> fields (quoted values are Go %q strings). */
function parseLog(text: string): LogLine[] {
  const out: LogLine[] = []
  for (const line of text.split('\n')) {
    const fields: Record<string, string> = {}
    for (const m of line.matchAll(/([A-Za-z][\w.]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      fields[m[1]] = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2]
    }
    if (fields.level && fields.msg !== undefined) out.push(fields as unknown as LogLine)
  }
  return out
}

interface Resolution {
  exitCode: number
  stderr: string
  /** buildctl's last line without `error: failed to solve: ` (empty on success) */
  error: string
  /** The daemon's lines in the span `resolving <normalised ref>` */
  span: { msg: string; error?: string }[]
  /** The daemon's level=error lines of the failed Solve calls */
  errors: string[]
  ref: string
  deleteStatus: number
  historiesAfter: string
}

let seq = 0
function resolve(builder: string, ref: string, normalised: string): Resolution {
  const container = containerOf(builder)
  const dir = `/tmp/standin-resolve-${process.pid}-${++seq}`
  const since = (Date.now() / 1000).toFixed(3)
  const build = docker(['exec', container, 'sh', '-c', BUILD, 'sh', dir, ref])
  const buildRef = docker(['exec', container, 'cat', `${dir}/ref`]).stdout.trim()
  const del = docker(['exec', container, 'buildctl', 'debug', 'ctl', '--delete', buildRef])
  const histories = docker(['exec', container, 'buildctl', 'debug', 'histories', '--format', '{{.Record.Ref}}'])
  docker(['exec', container, 'rm', '-rf', dir])
  const logs = docker(['logs', '--since', since, container])
  const lines = parseLog(logs.stdout + '\n' + logs.stderr)
  const last = build.stderr.trim().split('\n').pop() ?? ''
  return {
    exitCode: build.status,
    stderr: build.stderr,
    error: build.status === 0 ? '' : last.replace(/^error: failed to solve: /, ''),
    span: lines
      .filter(l => l.span === `resolving ${normalised}`)
      .map(l => (l.error === undefined ? { msg: l.msg } : { msg: l.msg, error: l.error })),
    errors: lines.filter(l => l.level === 'error' && l.msg.includes('/Solve returned error: ')).map(l => l.msg),
    ref: buildRef,
    deleteStatus: del.status,
    historiesAfter: histories.stdout.trim()
  }
}

describeDocker('image resolution in a builder, against real registries', () => {
  let regs: TestRegistries
  let tmp: string
  const builders: string[] = []

  beforeAll(async () => {
    regs = await startRegistries()
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-resolve-'))
  })
  afterEach(() => {
    for (const b of builders.splice(0)) forceRemove(b)
  })
  afterAll(() => {
    regs?.stop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  function builderWith(toml: string): string {
    const name = uniqueName('resolve')
    builders.push(name)
    const file = path.join(tmp, `${name}.toml`)
    fs.writeFileSync(file, toml)
    const r = docker(
      createArgs({
        name,
        driver: 'docker-container',
        configPath: file,
        driverOpts: [`image=${buildkitImage()}`, 'network=host'],
        buildkitdFlags: [],
        use: false
      })
    )
    if (r.status !== 0) throw new Error(`buildx create failed: ${r.stderr}`)
    return name
  }

  const section = (host: string, lines: string[]): string => [`[registry."${host}"]`, ...lines.map(l => `  ${l}`)].join('\n') + '\n'
  /** A registry's section: mirrors, http, the test CA and the client keypair as asked. */
  const tlsLines = (
    r: TestRegistries,
    host: string,
    opts: { mirrors?: string[]; ca?: boolean; keypair?: boolean; http?: boolean }
  ): string => {
    const lines: string[] = []
    if (opts.mirrors) lines.push(`mirrors = [${opts.mirrors.map(m => `"${m}"`).join(', ')}]`)
    if (opts.http !== undefined) lines.push(`http = ${opts.http}`)
    if (opts.ca) lines.push(`ca = ["${r.pki.ca}"]`)
    let s = section(host, lines)
    if (opts.keypair) s += `  [[registry."${host}".keypair]]\n    cert = "${r.pki.clientCert}"\n    key = "${r.pki.clientKey}"\n`
    return s
  }
  const headUrl = (host: string, repo: string, tag: string, ns?: string): string =>
    `://${host}/v2/${repo}/manifests/${tag}${ns ? `?ns=${encodeURIComponent(ns)}` : ''}`

  interface Case {
    name: string
    config: (r: TestRegistries) => string
    ref: (r: TestRegistries) => string
    normalised: (r: TestRegistries) => string
    exitCode: 0 | 1
    /** The span's lines, in order: msg, and error as a string (exact) or a RegExp */
    span: (r: TestRegistries) => { msg: string; error?: string | RegExp }[]
    /** buildctl's error after `failed to solve: ` */
    error?: (r: TestRegistries) => string | RegExp
  }

  const cases: Case[] = [
    {
      name: 'served by the mirror: no failure line',
      config: r => section('docker.io', [`mirrors = ["${r.httpMirror}"]`]) + section(r.httpMirror, ['http = true']),
      ref: () => 'alpine',
      normalised: () => 'docker.io/library/alpine:latest',
      exitCode: 0,
      span: () => []
    },
    {
      name: 'an image index on the plain HTTP registry itself',
      config: r => section(r.httpMirror, ['http = true']),
      ref: r => `${r.httpMirror}/rig/index:1`,
      normalised: r => `${r.httpMirror}/rig/index:1`,
      exitCode: 0,
      span: () => []
    },
    {
      name: 'a dead mirror, then the TLS registry serves: one "trying next host" line naming the mirror with ?ns=',
      config: r =>
        tlsLines(r, r.tlsRegistry, { mirrors: [r.deadHost], ca: true, keypair: true, http: false }) + section(r.deadHost, ['http = true']),
      ref: r => `${r.tlsRegistry}/rig/base:1`,
      normalised: r => `${r.tlsRegistry}/rig/base:1`,
      exitCode: 0,
      span: r => [
        {
          msg: 'trying next host',
          error: `failed to do request: Head "http${headUrl(r.deadHost, 'rig/base', '1', r.tlsRegistry)}": dial tcp ${r.deadHost}: connect: connection refused`
        }
      ]
    },
    {
      name: 'the mirror lacks the image (404), then the upstream registry.invalid fails on DNS',
      config: r => section('registry.invalid', [`mirrors = ["${r.httpMirror}"]`]) + section(r.httpMirror, ['http = true']),
      ref: () => 'registry.invalid/library/busybox:latest',
      normalised: () => 'registry.invalid/library/busybox:latest',
      exitCode: 1,
      span: () => [
        { msg: 'trying next host after status: 404 Not Found' },
        {
          msg: 'fetch failed',
          error: new RegExp(
            String.raw`^failed to do request: Head "https://registry\.invalid/v2/library/busybox/manifests/latest": ` +
              String.raw`dial tcp: lookup registry\.invalid on \S+: no such host$`
          )
        }
      ],
      error: () =>
        'registry.invalid/library/busybox:latest: failed to resolve source metadata for registry.invalid/library/busybox:latest: ' +
        'registry.invalid/library/busybox:latest: not found'
    },
    {
      name: 'the TLS registry without ca: unknown authority',
      config: r => tlsLines(r, r.tlsRegistry, { http: false }),
      ref: r => `${r.tlsRegistry}/rig/base:1`,
      normalised: r => `${r.tlsRegistry}/rig/base:1`,
      exitCode: 1,
      span: r => [
        {
          msg: 'fetch failed',
          error:
            `failed to do request: Head "https${headUrl(r.tlsRegistry, 'rig/base', '1')}": tls: failed to verify certificate: x509: certificate ` +
            `signed by unknown authority`
        }
      ]
    },
    {
      name: 'the TLS registry with ca but no keypair: the server refuses the handshake',
      config: r => tlsLines(r, r.tlsRegistry, { ca: true, http: false }),
      ref: r => `${r.tlsRegistry}/rig/base:1`,
      normalised: r => `${r.tlsRegistry}/rig/base:1`,
      exitCode: 1,
      span: r => [
        {
          msg: 'fetch failed',
          // Real v0.32.2 puts net/http's "readLoopPeekFailLocked: " before the TLS alert; v0.29.0 does not.
          error: new RegExp(
            `^failed to do request: Head "https${esc(headUrl(r.tlsRegistry, 'rig/base', '1'))}": ` +
              '(readLoopPeekFailLocked: )?remote error: tls: (bad certificate|certificate required)$'
          )
        }
      ]
    },
    {
      name: 'the TLS registry with ca and keypair: served',
      config: r => tlsLines(r, r.tlsRegistry, { ca: true, keypair: true, http: false }),
      ref: r => `${r.tlsRegistry}/rig/base:1`,
      normalised: r => `${r.tlsRegistry}/rig/base:1`,
      exitCode: 0,
      span: () => []
    },
    {
      name: 'a loopback TLS registry without http = false: BuildKit speaks plain HTTP to it and gets 400',
      config: r => tlsLines(r, r.tlsRegistry, { ca: true, keypair: true }),
      ref: r => `${r.tlsRegistry}/rig/base:1`,
      normalised: r => `${r.tlsRegistry}/rig/base:1`,
      exitCode: 1,
      span: () => [{ msg: 'fetch failed after status: 400 Bad Request' }],
      error: r =>
        `${r.tlsRegistry}/rig/base:1: failed to resolve source metadata for ${r.tlsRegistry}/rig/base:1: unexpected status from HEAD request to ` +
        `http${headUrl(r.tlsRegistry, 'rig/base', '1')}: 400 Bad Request`
    },
    {
      name: 'the registry with basic auth: 401, not retried without credentials',
      config: r => tlsLines(r, r.authRegistry, { ca: true, keypair: true, http: false }),
      ref: r => `${r.authRegistry}/rig/base:1`,
      normalised: r => `${r.authRegistry}/rig/base:1`,
      exitCode: 1,
      span: () => [{ msg: 'fetch failed after status: 401 Unauthorized' }],
      error: r =>
        `${r.authRegistry}/rig/base:1: failed to resolve source metadata for ${r.authRegistry}/rig/base:1: unexpected status from HEAD request to ` +
        `https${headUrl(r.authRegistry, 'rig/base', '1')}: 401 Unauthorized`
    }
  ]

  test.each(cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
    const builder = builderWith(c.config(regs))
    const res = resolve(builder, c.ref(regs), c.normalised(regs))
    const context = `buildctl stderr:\n${res.stderr}`

    expect({ exitCode: res.exitCode, context }).toEqual({ exitCode: c.exitCode, context })
    expect(res.stderr).toContain(`#2 [internal] load metadata for ${c.normalised(regs)}`)

    const want = c.span(regs)
    expect(res.span.map(l => l.msg)).toEqual(want.map(l => l.msg))
    want.forEach((w, i) => {
      if (w.error === undefined) expect(res.span[i].error).toBeUndefined()
      else if (typeof w.error === 'string') expect(res.span[i].error).toBe(w.error)
      else expect(res.span[i].error).toMatch(w.error)
    })

    if (c.exitCode === 0) {
      expect(res.stderr).toMatch(/^#2 DONE \d+\.\ds$/m)
      expect(res.errors).toEqual([])
    } else {
      // The first error (by priority) is the vertex's, and buildctl's and the daemon's message.
      const firstErr = res.stderr.match(/^#2 ERROR: (.*)$/m)?.[1]
      expect(firstErr).toBeDefined()
      expect(res.error).toBe(`${c.ref(regs)}: failed to resolve source metadata for ${c.normalised(regs)}: ${firstErr}`)
      if (c.error) {
        const e = c.error(regs)
        if (typeof e === 'string') expect(res.error).toBe(e)
        else expect(res.error).toMatch(e)
      }
      expect(res.errors).toEqual([
        `/moby.buildkit.v1.frontend.LLBBridge/Solve returned error: rpc error: code = Unknown desc = ${res.error}`,
        `/moby.buildkit.v1.Control/Solve returned error: rpc error: code = Unknown desc = ${res.error}`
      ])
    }

    // The build left a record; deleting it by the ref buildctl wrote leaves no record.
    expect(res.ref).toMatch(/^[a-z0-9]{25}$/)
    expect(res.deleteStatus).toBe(0)
    expect(res.historiesAfter).toBe('')
  })

  test('deleting a build record that does not exist fails as UpdateBuildHistory does', () => {
    const builder = builderWith(section(regs.httpMirror, ['http = true']))
    // After a recorded build (the records bucket exists): the record's lease is not found.
    expect(resolve(builder, `${regs.httpMirror}/rig/base:1`, `${regs.httpMirror}/rig/base:1`).exitCode).toBe(0)
    const r = docker(['exec', containerOf(builder), 'buildctl', 'debug', 'ctl', '--delete', 'nosuchrecord0000000000000'])
    expect(r.status).toBe(1)
    expect(r.stderr.trim()).toBe('error: lease "ref_nosuchrecord0000000000000": not found')
  })
})

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
