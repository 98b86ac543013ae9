import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { newRun, readOutputs, readSummary, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, containerOf, describeDocker, docker, driverOpts, errors, leftovers, uniqueName } from './docker-env.js'
import { startRegistries, type TestRegistries } from './registry-env.js'

// Proof of effect end to end: the built action resolves images through the builder's own
// daemon against real registries (Debian's docker-registry on 127.0.0.1: a plain-HTTP
// mirror, a TLS registry demanding a client certificate from a test CA, and the same with
// basic auth), and says which host served each. The builder needs network=host to reach
// the runner's loopback. `registry.invalid` never resolves (RFC 2606), so an upstream
// behind a mirror fails the same way everywhere, with or without internet.
jest.setTimeout(240_000)

let regs: TestRegistries
beforeAll(async () => {
  regs = await startRegistries()
}, 120_000)
afterAll(() => regs?.stop())
afterEach(cleanUpTests)

interface Pull {
  ref: string
  status: string
  ok: boolean
  host: string | null
  via_mirror: boolean | null
  error: string | null
}

function start(tag: string, inputs: Record<string, string>): { name: string; run: Run } {
  const name = uniqueName(tag)
  const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts(), ...inputs } })
  afterTest(name, run)
  return { name, run }
}

const pullsOf = (run: Run): Pull[] => JSON.parse(readOutputs(run).pulls) as Pull[]
const tlsCerts = (parts: ('ca' | 'cert' | 'key')[]): string =>
  `${regs.tlsRegistry} ${parts.map(p => `${p}=${{ ca: regs.pki.ca, cert: regs.pki.clientCert, key: regs.pki.clientKey }[p]}`).join(' ')}`

/** Runs post and checks that nothing is left, in the engine or in the builder's history. */
async function finish(name: string, run: Run): Promise<void> {
  const post = await runPost(run)
  expect(post.exitCode).toBe(0)
  expect(leftovers(name, run.runnerTemp)).toEqual([])
}

describeDocker('verify-pull: resolved through the builder, and by whom', () => {
  test('served by the mirror; no build record, no file left in the builder', async () => {
    const { name, run } = start('pull-mirror', {
      mirrors: `registry.invalid=http://${regs.httpMirror}`,
      'verify-pull': 'registry.invalid/library/alpine\nregistry.invalid/rig/base:1'
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(pullsOf(run)).toEqual([
      {
        ref: 'registry.invalid/library/alpine:latest',
        status: 'ok',
        ok: true,
        host: regs.httpMirror,
        via_mirror: true,
        error: null,
        node: `${name}0`
      },
      { ref: 'registry.invalid/rig/base:1', status: 'ok', ok: true, host: regs.httpMirror, via_mirror: true, error: null, node: `${name}0` }
    ])
    expect(readOutputs(run).verified).toBe('true')
    expect(main.stdout).toContain(`registry.invalid/library/alpine:latest: ok, served by mirror ${regs.httpMirror}`)
    expect(readSummary(run)).toContain(
      `<td><code>registry.invalid/rig/base:1</code></td><td>✅ ok</td><td><code>${regs.httpMirror}</code> (mirror)</td>`
    )
    // What verify-pull did left nothing a later step would trip over.
    const histories = docker(['exec', containerOf(name), 'buildctl', 'debug', 'histories', '--format', '{{.Record.Ref}}'])
    expect(histories.status).toBe(0)
    expect(histories.stdout.trim()).toBe('')
    expect(docker(['exec', containerOf(name), 'sh', '-c', 'ls -d /tmp/buildkit-builder-prove* 2>/dev/null; true']).stdout).toBe('')
    await finish(name, run)
  })

  test('a dead mirror in front of a registry that serves: the step fails naming the mirror', async () => {
    const { name, run } = start('pull-dead', {
      mirrors: `${regs.tlsRegistry}=http://${regs.deadHost}`,
      'registry-certs': tlsCerts(['ca', 'cert', 'key']),
      'verify-pull': `${regs.tlsRegistry}/rig/base:1`
    })
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    const [pull] = pullsOf(run)
    expect(pull).toMatchObject({ status: 'ok', ok: false, host: regs.tlsRegistry, via_mirror: false })
    expect(pull.error).toBe(
      `served by the registry ${regs.tlsRegistry}, not by its mirror: nothing listens at mirror ${regs.deadHost} (connection refused): is it running ` +
        `at that address? (in the builder, 127.0.0.1 is the builder's own container unless driver-opts has network=host)`
    )
    expect(errors(main.stdout)).toEqual([
      expect.stringContaining(`- ${regs.tlsRegistry}/rig/base:1: served by the registry ${regs.tlsRegistry}, not by its mirror`)
    ])
    expect(readOutputs(run).verified).toBe('false')
    await finish(name, run)
  })

  test('a mirror that lacks the image, and an upstream that does not resolve', async () => {
    const { name, run } = start('pull-404', {
      mirrors: `registry.invalid=http://${regs.httpMirror}`,
      'verify-pull': 'registry.invalid/library/nothere:1',
      verify: 'warn'
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const [pull] = pullsOf(run)
    expect(pull).toMatchObject({ status: 'failed', ok: false, host: null, via_mirror: null })
    expect(pull.error).toMatch(
      new RegExp(
        `^mirror ${regs.httpMirror.replace(/\./g, '\\.')} does not have the image \\(404 Not Found\\); registry\\.invalid does not resolve \\(DNS\\), ` +
          `so registry registry\\.invalid can't be reached: check the name \\(daemon: `
      )
    )
    expect(main.stdout).toMatch(/^::warning::the builder does not run with the planned configuration:/m)
    expect(readOutputs(run).verified).toBe('false')
    await finish(name, run)
  })

  test.each([
    [
      'no CA',
      ['cert', 'key'],
      new RegExp(
        String.raw`^registry 127\.0\.0\.1:\d+ presents a TLS certificate signed by a CA the builder does not trust: its CA is missing; ` +
          String.raw`add it with registry-certs: "127\.0\.0\.1:\d+ ca=env:NAME".*x509: certificate signed by unknown authority\)$`
      )
    ],
    [
      'no client certificate',
      ['ca'],
      new RegExp(
        String.raw`^registry 127\.0\.0\.1:\d+ wants a client certificate \(mTLS\) and none was given: ` +
          String.raw`add one with registry-certs: "127\.0\.0\.1:\d+ cert=env:CERT key=env:KEY" \(daemon: .*remote error: tls: `
      )
    ]
  ] as [string, ('ca' | 'cert' | 'key')[], RegExp][])('mTLS registry, %s: failed, with what to add', async (_t, parts, message) => {
    const { name, run } = start('pull-tls', {
      'registry-certs': tlsCerts(parts),
      'verify-pull': `${regs.tlsRegistry}/rig/base:1`,
      verify: 'warn'
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const [pull] = pullsOf(run)
    expect(pull).toMatchObject({ status: 'failed', ok: false, host: null })
    expect(pull.error).toMatch(message)
    await finish(name, run)
  })

  test('mTLS registry with CA and client certificate: served', async () => {
    const { name, run } = start('pull-mtls', {
      'registry-certs': tlsCerts(['ca', 'cert', 'key']),
      'verify-pull': `${regs.tlsRegistry}/rig/base:1`
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(pullsOf(run)).toEqual([
      {
        ref: `${regs.tlsRegistry}/rig/base:1`,
        status: 'ok',
        ok: true,
        host: regs.tlsRegistry,
        via_mirror: null,
        error: null,
        node: `${name}0`
      }
    ])
    await finish(name, run)
  })

  test('a registry that wants credentials: auth-required, not a failure', async () => {
    const certs = `${regs.authRegistry} ca=${regs.pki.ca} cert=${regs.pki.clientCert} key=${regs.pki.clientKey}`
    const { name, run } = start('pull-auth', { 'registry-certs': certs, 'verify-pull': `${regs.authRegistry}/rig/base:1` })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(pullsOf(run)).toEqual([
      {
        ref: `${regs.authRegistry}/rig/base:1`,
        status: 'auth-required',
        ok: true,
        host: regs.authRegistry,
        via_mirror: null,
        error: null,
        node: `${name}0`
      }
    ])
    expect(readOutputs(run).verified).toBe('true')
    expect(main.stdout).toMatch(/auth-required — .*docker login/)
    await finish(name, run)
  })
})

describeDocker('check-registries', () => {
  test('every registry and mirror answers over its configured connection; a dead one fails', async () => {
    const { name, run } = start('check', {
      mirrors: `${regs.tlsRegistry}=http://${regs.httpMirror},http://${regs.deadHost}`,
      'registry-certs': tlsCerts(['ca', 'cert', 'key']),
      'check-registries': 'true',
      verify: 'warn'
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const checks = JSON.parse(readOutputs(run).registries) as { host: string; ok: boolean; error: string | null }[]
    // The HTTP mirror answers 404 for the probe, so the dead one is tried next, then the registry.
    expect(checks.map(c => [c.host, c.ok])).toEqual([
      [regs.httpMirror, true],
      [regs.deadHost, false],
      [regs.tlsRegistry, true]
    ])
    expect(checks[1].error).toMatch(/^nothing listens at mirror 127\.0\.0\.1:\d+ \(connection refused\)/)
    expect(readOutputs(run).verified).toBe('false')
    await finish(name, run)
  })
})
