import { afterEach, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { KEPT_LABEL, OWNER_LABEL } from '../../src/docker/owner-mark.js'
import { disposeRun, newRun, readOutputs, readState, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import { cleanUpKube, clusterImage, deployment, describeKube, newNamespace, objectsIn } from './kube-env.js'
import {
  afterTest,
  cleanUpTests,
  configInBuilder,
  containerOf,
  describeDocker,
  dockerOk,
  driverOpts,
  errors,
  leftovers,
  uniqueName
} from './docker-env.js'

// A kept builder (a run with cleanup: false created it) used again by a later run with the
// same name, on the real engine and the real buildx: compared with the inputs, started when
// stopped, verified as usual, and never removed by the run that reused it (its post step, its
// failure path). A kept builder that differs is refused naming each difference, and nothing
// is removed, started or left behind.
jest.setTimeout(240_000)
afterEach(cleanUpTests)

const pki = (f: string): string => path.join(import.meta.dirname, '..', 'fixtures', 'buildkit', 'test-pki', f)
const pki2 = (f: string): string => path.join(import.meta.dirname, '..', 'fixtures', 'pki2', f)

/** The inputs of the kept builder's runs: mirrors, a CA and a client keypair from files, debug. */
const asked = (name: string, more: Record<string, string> = {}): Record<string, string> => ({
  name,
  use: 'false',
  mirrors: 'docker.io=mirror.gcr.io',
  'registry-certs': `registry.corp.example ca=${pki('ca.pem')} cert=${pki('client.crt')} key=${pki('client.key')}`,
  debug: 'true',
  'driver-opts': driverOpts(),
  ...more
})

/** A run whose simulated runner's directories are removed after the test; the builder is removed once, by the first run's afterTest. */
function run(inputs: Record<string, string>, removeBuilder = false): Run {
  const r = newRun({ inputs })
  afterTest(removeBuilder ? inputs.name : undefined, r)
  return r
}

/** Creates the kept builder: main and post of a run with cleanup: false. */
async function keep(name: string, more: Record<string, string> = {}): Promise<void> {
  const first = run(asked(name, { cleanup: 'false', ...more }), true)
  const main = await runMain(first)
  expect(errors(main.stdout)).toEqual([])
  expect(main.stdout).toContain(`::group::Create builder ${name}`)
  const post = await runPost(first)
  expect(post.stdout).toContain(`cleanup: false — builder ${name} is left running`)
}

const containerId = (name: string): string => dockerOk(['container', 'inspect', '--format', '{{.Id}}', containerOf(name)]).trim()
const running = (name: string): string => dockerOk(['container', 'inspect', '--format', '{{.State.Running}}', containerOf(name)]).trim()
/** What is left after a run that used the kept builder: the builder, its container and state volume; none of the run's files. */
function expectOnlyKept(name: string, r: Run): void {
  expect(leftovers(name, r.runnerTemp)).toEqual([`builder ${name}`, `container ${containerOf(name)}`, `volume ${containerOf(name)}_state`])
}

describeDocker('a kept builder', () => {
  test('a later run with the same inputs uses it as it is: no create, outputs and verification as usual; its post (cleanup: true) leaves it', async () => {
    const name = uniqueName('kept')
    await keep(name)
    const id = containerId(name)

    // A later job: another RUNNER_TEMP, so the certificates' paths on the runner differ; cleanup on.
    const second = run(asked(name, { cleanup: 'true' }))
    const main = await runMain(second)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).toContain(`::group::Compare kept builder ${name} with the inputs`)
    expect(main.stdout).toContain(`::group::Start kept builder ${name}`)
    // It runs: buildx is not asked to start it.
    expect(main.stdout).toContain(`every node of kept builder ${name} runs: nothing to start`)
    expect(main.stdout).not.toContain('inspect --bootstrap')
    expect(main.stdout).not.toContain('::group::Create builder')
    expect(main.stdout).not.toContain('buildx create')
    const out = readOutputs(second)
    expect(out).toMatchObject({ name, driver: 'docker-container', verified: 'true' })
    expect(JSON.parse(out.nodes)).toEqual([expect.objectContaining({ name: `${name}0`, status: 'running', verified: true })])
    // The outputs never carry the action's marks.
    expect(out.nodes).not.toMatch(/BUILDKIT_BUILDER_ACTION_(OWNER|KEPT)/)
    expect(readState(second)).toMatchObject({ builderReused: 'true' })
    expect(readState(second).builderCreated).not.toBe('true')
    // The same container, its config as the inputs render it.
    expect(containerId(name)).toBe(id)
    expect(configInBuilder(name).debug).toBe(true)

    const post = await runPost(second)
    expect(errors(post.stdout)).toEqual([])
    expect(post.stdout).toContain(
      `builder ${name} is a kept builder (an earlier run created it with cleanup: false) that this run used: left as it is`
    )
    expectOnlyKept(name, second)
    expect(running(name)).toBe('true')
  })

  test('a stopped kept builder is started, then used', async () => {
    const name = uniqueName('keptstop')
    await keep(name)
    dockerOk(['stop', containerOf(name)])
    expect(running(name)).toBe('false')

    const second = run(asked(name, { cleanup: 'false' }))
    const main = await runMain(second)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).not.toContain('::group::Create builder')
    expect(main.stdout).toMatch(/^\$ \S+ (buildx )?inspect --bootstrap /m)
    expect(running(name)).toBe('true')
    expect(readOutputs(second)).toMatchObject({ name, verified: 'true' })
    expect((await runPost(second)).exitCode).toBe(0)
    expectOnlyKept(name, second)
  })

  test('a kept builder that differs is refused naming each difference; nothing is removed, started or left behind', async () => {
    const name = uniqueName('keptdiff')
    await keep(name)
    dockerOk(['stop', containerOf(name)])
    const id = containerId(name)

    const second = run(
      asked(name, {
        mirrors: 'docker.io=mirror.corp.example',
        'registry-certs': `registry.corp.example ca=${pki2('ca.pem')} cert=${pki('client.crt')} key=${pki('client.key')}`,
        'buildkitd-flags': '--allow-insecure-entitlement network.host',
        'keep-state': 'true'
      })
    )
    const main = await runMain(second)
    expect(main.exitCode).toBe(1)
    const [error] = errors(main.stdout)
    expect(error).toMatch(new RegExp(`^builder ${name} is a kept builder \\(an earlier run created it with cleanup: false\\) that differs`))
    expect(error).toContain('keep-state: the kept builder was created with keep-state false, the inputs ask true')
    expect(error).toContain(
      'daemon flags (buildkitd-flags): the kept builder\'s daemon has "--allow-insecure-entitlement security.insecure'
    )
    expect(error).toMatch(
      /config: 1 key differs[^]*registry\."docker\.io"\.mirrors\n {4}- expected: \["mirror\.corp\.example"\]\n {4}\+ in builder: \["mirror\.gcr\.io"\]/
    )
    expect(error).toMatch(
      /CA for registry\.corp\.example \(.*pki2\/ca\.pem\): \/etc\/buildkit\/certs\/registry\.corp\.example\/ca-\w{8}-0\.pem in the kept builder has SHA-256/
    )
    expect(error).toContain(`remove it with "docker buildx rm ${name}"`)
    expect(main.stdout).not.toContain('buildx create')
    // Nothing removed, nothing started, nothing of the run's left.
    expect(main.stdout).toContain(
      `builder ${name} is a kept builder (an earlier run created it with cleanup: false) that this run used: left as it is`
    )
    expect(main.stdout).not.toMatch(/^\$ .* rm /m)
    expect(containerId(name)).toBe(id)
    expect(running(name)).toBe('false')
    expect(fs.readdirSync(second.runnerTemp)).toEqual([])
    expect((await runPost(second)).exitCode).toBe(0)
    expectOnlyKept(name, second)
  })

  test("verification as usual: a kept builder whose daemon's config was changed fails the step, and the failure path leaves it", async () => {
    const name = uniqueName('keptverify')
    await keep(name)
    // The record still matches the inputs; the daemon's file no longer does.
    dockerOk(['exec', containerOf(name), 'sed', '-i', 's/^debug = true/debug = false/', '/etc/buildkit/buildkitd.toml'])

    const second = run(asked(name))
    const main = await runMain(second)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(/^the builder does not run with the planned configuration:\n- the config in the builder differs[^]*debug/)
    ])
    expect(main.stdout).toContain(
      `builder ${name} is a kept builder (an earlier run created it with cleanup: false) that this run used: left as it is`
    )
    expect(main.stdout).not.toMatch(/^\$ .* rm /m)
    expect(running(name)).toBe('true')
    expect((await runPost(second)).exitCode).toBe(0)
    expectOnlyKept(name, second)
  })
})

describeKube('a kept builder, kubernetes driver (a real cluster)', () => {
  /** The runner's own buildx config directory, shared by its jobs, and the runs to dispose. */
  let buildxConfig = ''
  const runs: Run[] = []
  afterEach(() => {
    spawnSync('docker', ['buildx', 'rm', ...names.splice(0)], { env: { ...process.env, BUILDX_CONFIG: buildxConfig }, stdio: 'ignore' })
    fs.rmSync(buildxConfig, { recursive: true, force: true })
    for (const r of runs.splice(0)) disposeRun(r)
    cleanUpKube()
  })
  const names: string[] = []
  const kube = (name: string, ns: string, more: Record<string, string> = {}): Run => {
    const r = newRun({
      inputs: {
        name,
        driver: 'kubernetes',
        use: 'false',
        mirrors: 'docker.io=mirror.kube.test',
        'registry-certs': `myregistry.test:5443 ca=${pki('ca.pem')}`,
        'driver-opts': `namespace=${ns}\nimage=${clusterImage()}`,
        ...more
      },
      env: { BUILDX_CONFIG: buildxConfig }
    })
    runs.push(r)
    return r
  }

  test('kept by one job, its Deployment used by the next as it is; one that differs is refused, nothing removed', async () => {
    buildxConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'it-buildx-'))
    const ns = newNamespace()
    const name = uniqueName('kkept')
    names.push(name)
    const first = kube(name, ns, { cleanup: 'false' })
    expect(errors((await runMain(first)).stdout)).toEqual([])
    expect((await runPost(first)).exitCode).toBe(0)
    const owner = readState(first).owner
    const labels = deployment(ns, `${name}0`)?.metadata.labels ?? {}
    expect(labels).toMatchObject({ [OWNER_LABEL]: owner, [KEPT_LABEL]: 'keep-state-false' })
    const objects = objectsIn(ns)

    const second = kube(name, ns)
    const main = await runMain(second)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).not.toContain('::group::Create builder')
    expect(readOutputs(second)).toMatchObject({ name, driver: 'kubernetes', verified: 'true' })
    expect(readOutputs(second).nodes).not.toContain('buildkit-builder-action/')
    expect((await runPost(second)).exitCode).toBe(0)
    expect(objectsIn(ns)).toEqual(objects)
    expect(deployment(ns, `${name}0`)?.metadata.labels?.[OWNER_LABEL]).toBe(owner)

    const third = kube(name, ns, { mirrors: 'docker.io=other.kube.test' })
    const refused = await runMain(third)
    expect(errors(refused.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^builder ${name} is a kept builder [^]*- config: 1 key differs[^]*other\\.kube\\.test`))
    ])
    expect((await runPost(third)).exitCode).toBe(0)
    expect(objectsIn(ns)).toEqual(objects)
    expect(fs.readdirSync(third.runnerTemp)).toEqual([])
  })
})
