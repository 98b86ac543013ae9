import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { newRun, readOutputs, readState, readSummary, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import {
  afterTest,
  buildkitImage,
  cleanUpTests,
  containerOf,
  describeDocker,
  docker,
  dockerProblem,
  errors,
  leftovers,
  uniqueName
} from './docker-env.js'
import { startMirrorOf, type MirrorOfImage } from './registry-env.js'
import { startTlsEngine, type TlsEngine } from './tls-engine.js'

// A runner whose Docker engine is behind TLS (DOCKER_HOST=tcp://…, DOCKER_TLS_VERIFY=1,
// DOCKER_CERT_PATH): the local engine behind socat with a client certificate demanded
// (tls-engine.ts). buildx refuses to create a builder on the default context there ("could not
// create a builder instance with TLS data loaded from environment", builder/builder.go Create);
// the action makes a docker context of that environment for the run, creates the builder on
// it, and removes it after the builder. Every other way the action talks to the engine goes
// through the proxy too: the engine's version, the pull of the BuildKit image from a docker.io
// mirror (registry-env.ts), the read-back, verify-pull and the daemon's log.
jest.setTimeout(240_000)

let engine: TlsEngine
/** The image under test on the docker.io mirror, under a tag of this run that exists nowhere else */
const ORIGINAL = `moby/buildkit:tls-${process.pid}-${Date.now()}`
let mirror: MirrorOfImage

beforeAll(async () => {
  if (dockerProblem) return
  engine = await startTlsEngine()
  mirror = await startMirrorOf(buildkitImage(), ORIGINAL)
}, 180_000)
afterAll(() => {
  engine?.stop()
  mirror?.stop()
})
// What a failed test may have left that cleanUpTests does not know: builders in a run's own
// buildx config, contexts. Before cleanUpTests, which removes the runs' files.
const undo: (() => void)[] = []
afterEach(() => {
  for (const f of undo.splice(0)) f()
})
afterEach(cleanUpTests)

/** A run on the engine behind TLS, with a buildx config of its own (use: true changes its current builder). */
function start(tag: string, inputs: Record<string, string>, env?: Record<string, string>): { name: string; run: Run; buildx: string } {
  const name = uniqueName(tag)
  const buildx = fs.mkdtempSync(path.join(os.tmpdir(), 'it-buildx-'))
  const run = newRun({
    inputs: { name, 'driver-opts': `image=${buildkitImage()}\nnetwork=host`, ...inputs },
    env: { ...(env ?? engine.env), BUILDX_CONFIG: buildx }
  })
  afterTest(name, run)
  undo.push(() => {
    docker(['buildx', 'rm', '--force', name], run.env)
    const ctx = readState(run).tlsContext
    if (ctx) docker(['context', 'rm', '--force', ctx])
    fs.rmSync(buildx, { recursive: true, force: true })
  })
  return { name, run, buildx }
}
/** The run's context of the TLS environment, as the docker CLI has it (undefined when there is none). */
function contextOf(name: string): { Endpoints: { docker: { Host: string } }; TLSMaterial: { docker?: string[] } } | undefined {
  const r = docker(['context', 'inspect', name])
  return r.status === 0 ? (JSON.parse(r.stdout) as ReturnType<typeof contextOf>[])[0] : undefined
}

const contextName = (run: Run): string => `buildkit-builder-action-tls-${readState(run).owner}`

describeDocker('the default docker context with TLS from the environment', () => {
  test("a context of the run is the node's endpoint: image from the mirror, verified, verify-pull, use; post removes both", async () => {
    const { name, run, buildx } = start('tls', {
      use: 'true',
      mirrors: `docker.io=http://${mirror.regs.httpMirror}`,
      'driver-opts': `image=${ORIGINAL}\nnetwork=host`,
      'verify-pull': 'docker.io/library/alpine'
    })
    const before = engine.sessions()
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.exitCode).toBe(0)
    const ctx = contextName(run)
    expect(main.stdout).toContain(
      `the default docker context takes TLS from the environment (${engine.host}, files in ${engine.certPath}), which buildx refuses for a builder: ` +
        `docker context ${ctx}, a copy of it, is the first node's endpoint`
    )
    // The context holds the environment's host and its TLS files (copied into the context store).
    expect(contextOf(ctx)?.Endpoints.docker.Host).toBe(engine.host)
    expect([...(contextOf(ctx)?.TLSMaterial.docker ?? [])].sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem'])
    const out = readOutputs(run)
    expect(out).toMatchObject({ name, endpoint: ctx, verified: 'true', status: 'running' })
    // The action's own pull of the image (through the context), the read-back, verify-pull and the daemon's log: all through TLS.
    expect(main.stdout).toContain(
      `BuildKit image ${ORIGINAL}: pulled ${mirror.pushed[''].ref} from the docker.io mirror ${mirror.regs.httpMirror}`
    )
    expect(JSON.parse(out.pulls)).toEqual([
      expect.objectContaining({ ref: 'docker.io/library/alpine:latest', ok: true, host: mirror.regs.httpMirror, via_mirror: true })
    ])
    expect(engine.sessions()).toBeGreaterThan(before)
    expect(docker(['container', 'inspect', containerOf(name)]).status).toBe(0)
    // use: true: the builder is the current one for the engine behind TLS, as a later `docker buildx build` finds it.
    expect(docker(['buildx', 'inspect'], run.env).stdout).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'))

    const post = await runPost(run)
    expect(errors(post.stdout)).toEqual([])
    expect(post.stdout).toContain(`docker context ${ctx} removed`)
    expect(contextOf(ctx)).toBeUndefined()
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([])
  })

  test('a daemon that does not start: its own error, read through TLS; the builder and the context removed', async () => {
    const { name, run, buildx } = start('tls-fail', { use: 'false', 'buildkitd-flags': '--no-such-flag' })
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(/^the BuildKit daemon did not start: buildkitd: flag provided but not defined: -no-such-flag\n/)
    ])
    const ctx = contextName(run)
    expect(main.stdout).toContain(`docker context ${ctx} removed`)
    expect(readState(run)).toMatchObject({ builderCreated: 'false', runDir: '', tlsContext: '' })
    expect(contextOf(ctx)).toBeUndefined()
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([])
  })

  test("endpoint: default (buildx would dial its host without TLS): the run's copy instead; post removes it", async () => {
    const { name, run, buildx } = start('tls-default', { use: 'false', endpoint: 'default' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(readOutputs(run)).toMatchObject({ endpoint: contextName(run), verified: 'true' })
    expect((await runPost(run)).exitCode).toBe(0)
    expect(contextOf(contextName(run))).toBeUndefined()
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([])
  })

  test('cleanup: false: post leaves the builder and the context it needs, and says so', async () => {
    const { name, run, buildx } = start('tls-kept', { use: 'false', cleanup: 'false' })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const ctx = contextName(run)
    expect(main.stdout).toContain(`cleanup: false — context ${ctx} stays with the builder, which needs it`)
    const post = await runPost(run)
    expect(errors(post.stdout)).toEqual([])
    expect(post.stdout).toContain(`docker context ${ctx} is left with the builder, which needs it`)
    expect(contextOf(ctx)?.Endpoints.docker.Host).toBe(engine.host)
    // The kept builder's node is on that context, which still reaches its container through TLS.
    expect(docker(['buildx', 'inspect', name], { BUILDX_CONFIG: buildx }).stdout).toMatch(new RegExp(`^Endpoint:\\s+${ctx}$`, 'm'))
    expect(docker(['--context', ctx, 'container', 'inspect', '--format', '{{.State.Running}}', containerOf(name)]).stdout.trim()).toBe(
      'true'
    )
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([
      `builder ${name}`,
      `container ${containerOf(name)}`,
      `volume ${containerOf(name)}_state`
    ])
  })

  test("cni: bridge: the image's BuildKit version asked with docker run through TLS; the daemon reports cni", async () => {
    const { name, run, buildx } = start('tls-bridge', {
      use: 'false',
      cni: 'bridge',
      'driver-opts': `image=${buildkitImage()}\nnetwork=none`
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).toMatch(/runs BuildKit v\d+\.\d+\.\d+\S*: bridge network mode/)
    expect(readOutputs(run)).toMatchObject({ endpoint: contextName(run), verified: 'true' })
    expect(readSummary(run)).toContain('<tr><th align="left">Network mode</th><td>cni (asked: bridge (cni: bridge))</td></tr>')
    expect((await runPost(run)).exitCode).toBe(0)
    expect(contextOf(contextName(run))).toBeUndefined()
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([])
  })

  test("a docker context of the user's with TLS as the endpoint (no TLS variables): used as it is, and left", async () => {
    const own = uniqueName('tls-own')
    const made = docker([
      'context',
      'create',
      own,
      '--docker',
      `host=${engine.host},ca=${engine.certPath}/ca.pem,cert=${engine.certPath}/cert.pem,key=${engine.certPath}/key.pem`
    ])
    expect(made.status).toBe(0)
    undo.push(() => docker(['context', 'rm', '--force', own]))
    const { name, run, buildx } = start('tls-user', { use: 'false', endpoint: own }, {})
    const before = engine.sessions()
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).not.toContain('Make a docker context')
    expect(readOutputs(run)).toMatchObject({ endpoint: own, verified: 'true' })
    expect(engine.sessions()).toBeGreaterThan(before)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(contextOf(own)?.Endpoints.docker.Host).toBe(engine.host)
    expect(leftovers(name, run.runnerTemp, { BUILDX_CONFIG: buildx })).toEqual([])
  })
})
