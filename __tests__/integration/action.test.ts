import { afterEach, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { newRun, readOutputs, readState, readSummary, runMain, runPost } from '../../scripts/runner.mjs'
import {
  afterTest,
  buildkitImage,
  cleanUpTests,
  configInBuilder,
  containerOf,
  describeDocker,
  docker,
  driverOpts,
  errors,
  leftovers,
  uniqueName
} from './docker-env.js'

// The built action (dist/index.js) run as a runner runs it, main then post, against the
// real Docker engine and the real buildx. BUILDKIT_IMAGE selects a real BuildKit image;
// otherwise the local stand-in is used.
jest.setTimeout(180_000)

afterEach(cleanUpTests)

describeDocker('the action end to end', () => {
  test('seed scenario: docker.io mirrored by mirror.gcr.io, debug = true', async () => {
    const name = uniqueName('seed')
    const run = newRun({ inputs: { name, mirrors: 'docker.io=mirror.gcr.io', debug: 'true', 'driver-opts': driverOpts() } })
    afterTest(name, run)

    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.exitCode).toBe(0)

    // The builder's container holds the config that was asked for.
    const inBuilder = configInBuilder(name)
    expect(inBuilder.debug).toBe(true)
    expect(inBuilder.registry).toEqual({ 'docker.io': { mirrors: ['mirror.gcr.io'] } })

    // Outputs are the daemon's own answers, not ours.
    const workers = JSON.parse(docker(['exec', containerOf(name), 'buildctl', 'debug', 'workers', '--format', '{{json .}}']).stdout)
    const outputs = readOutputs(run)
    expect(outputs).toMatchObject({
      name,
      driver: 'docker-container',
      verified: 'true',
      'buildkit-version': workers[0].buildkitVersion.version
    })
    expect(outputs.platforms.split(',')).toContain(`linux/${os.arch() === 'x64' ? 'amd64' : os.arch()}`)
    expect(outputs.config).toBe('debug = true\n\n[registry."docker.io"]\nmirrors = [ "mirror.gcr.io" ]\n')

    const summary = readSummary(run)
    expect(summary).toContain(`<h2>BuildKit builder ${name}</h2>`)
    expect(summary).toContain('<td><code>docker.io</code></td><td><code>mirror.gcr.io</code></td>')
    expect(summary).toContain('passed: the builder runs with the rendered config')
    // Each step in its own log group.
    for (const g of [
      'Read and check inputs',
      'Render buildkitd.toml',
      `Create builder ${name}`,
      'Verify the builder',
      'Outputs and job summary'
    ]) {
      expect(main.stdout).toContain(`::group::${g}`)
    }
    // use: true (default) made it the current builder.
    expect(docker(['buildx', 'inspect']).stdout.split('\n')[0]).toMatch(new RegExp(`^Name:\\s+${name}$`))

    const post = await runPost(run)
    expect(post.exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test.each([
    [
      'the issue example: mirrors with schemes, http and insecure registries',
      {
        mirrors: 'docker.io=mirror.gcr.io\nghcr.io=https://ghcr-mirror.corp.example,http://mirror.local:5000',
        'http-registries': 'registry.local:5000',
        'insecure-registries': 'selfsigned.corp.example',
        debug: 'true'
      },
      {
        'docker.io': { mirrors: ['mirror.gcr.io'] },
        'ghcr.io': { mirrors: ['ghcr-mirror.corp.example', 'mirror.local:5000'] },
        'mirror.local:5000': { http: true },
        'registry.local:5000': { http: true },
        'selfsigned.corp.example': { insecure: true }
      }
    ],
    [
      'a base config, merged with the inputs winning',
      {
        'buildkitd-config-inline':
          'debug = false\n[worker.oci]\nmax-parallelism = 4\n[registry."docker.io"]\nmirrors = ["old.example"]\n[registry."quay.io"]\ninsecure = true\n',
        mirrors: 'docker.io=mirror.gcr.io/dockerhub',
        debug: 'true',
        use: 'false'
      },
      { 'docker.io': { mirrors: ['mirror.gcr.io/dockerhub'] }, 'quay.io': { insecure: true } }
    ]
  ] as [string, Record<string, string>, Record<string, unknown>][])('%s', async (_title, inputs, registries) => {
    const name = uniqueName('variant')
    const run = newRun({ inputs: { name, 'driver-opts': driverOpts(), ...inputs } })
    afterTest(name, run)
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(configInBuilder(name).registry).toEqual(registries)
    expect(readOutputs(run).verified).toBe('true')
    if (inputs['buildkitd-config-inline']) {
      expect(configInBuilder(name).worker).toEqual({ oci: { 'max-parallelism': 4 } })
      expect(main.stdout).toContain('::notice::debug: the structured inputs override the base config (false → true)')
      expect(main.stdout).toContain('::notice::registry."docker.io".mirrors: the structured inputs override the base config')
    }
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('keep-state: the state volume outlives the builder', async () => {
    const name = uniqueName('keep')
    const run = newRun({ inputs: { name, 'keep-state': 'true', use: 'false', 'driver-opts': driverOpts() } })
    afterTest(name, run)
    expect((await runMain(run)).exitCode).toBe(0)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([`volume ${containerOf(name)}_state`])
  })

  test('cleanup: false leaves the builder running but removes the files', async () => {
    const name = uniqueName('nocleanup')
    const run = newRun({ inputs: { name, cleanup: 'false', use: 'false', 'driver-opts': driverOpts() } })
    afterTest(name, run)
    expect((await runMain(run)).exitCode).toBe(0)
    const post = await runPost(run)
    expect(post.stdout).toContain(`cleanup: false — builder ${name} is left running`)
    expect(leftovers(name, run.runnerTemp)).toEqual([
      `builder ${name}`,
      `container ${containerOf(name)}`,
      `volume ${containerOf(name)}_state`
    ])
  })
})

describeDocker('failures leave nothing behind', () => {
  test.each([
    [
      'invalid TOML in the base config',
      { 'buildkitd-config-inline': 'debug = true\n[registry."docker.io"\nmirrors = []\n' },
      /^input "buildkitd-config-inline", line 2: invalid TOML at column/
    ],
    [
      'a mirror that is no host',
      { mirrors: 'docker.io=mirror.gcr.io\nghcr.io=not a host' },
      /^input "mirrors", line 2: mirror .*"not a host"/
    ],
    [
      'an unsupported driver',
      { driver: 'cloud' },
      /^input "driver": driver "cloud" is not supported; docker-container, kubernetes, remote and docker are$/
    ],
    [
      'a missing base config file',
      { 'buildkitd-config': 'no/such/buildkitd.toml' },
      /^input "buildkitd-config": file "no\/such\/buildkitd.toml" does not exist$/
    ]
  ])('bad input: %s', async (_title, inputs, message) => {
    const name = uniqueName('badinput')
    const run = newRun({ inputs: { name, 'driver-opts': driverOpts(), ...inputs } })
    afterTest(name, run)
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([expect.stringMatching(message)])
    expect(main.stdout).not.toContain('docker buildx create')
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('a daemon that will not start: bootstrap fails, its log is shown, builder and files are removed', async () => {
    const name = uniqueName('nostart')
    const run = newRun({ inputs: { name, 'buildkitd-flags': '--no-such-flag', use: 'false', 'driver-opts': driverOpts() } })
    afterTest(name, run)
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    // The daemon's own error is the step's error (buildx alone says only that the container restarts).
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(
        /^the BuildKit daemon did not start: buildkitd: flag provided but not defined: -no-such-flag\n\(docker buildx create failed \(exit code 1\)/
      )
    ])
    expect(main.stdout).toContain("last lines of the daemon's log:")
    expect(main.stdout).toMatch(/flag provided but not defined: -no-such-flag/)
    expect(readSummary(run)).toContain(`<h2>BuildKit builder ${name}: not set up</h2>`)
    expect(readState(run)).toMatchObject({ builderCreated: 'false', runDir: '' })
    expect(leftovers(name, run.runnerTemp)).toEqual([])
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test('a builder of the same name exists (not a kept one: its run removes it): error, and that builder is left alone', async () => {
    const name = uniqueName('taken')
    // Its main only: the builder of a job still running. (A kept one, cleanup: false, is reused: kept-builder.test.ts.)
    const first = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts() } })
    afterTest(name, first)
    expect((await runMain(first)).exitCode).toBe(0)

    const second = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts() } })
    afterTest(undefined, second)
    const main = await runMain(second)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^a builder named "${name}" already exists and is not a kept builder`))
    ])
    expect((await runPost(second)).exitCode).toBe(0)
    expect(fs.readdirSync(second.runnerTemp)).toEqual([])
    expect(docker(['container', 'inspect', '--format', '{{.State.Running}}', containerOf(name)]).stdout.trim()).toBe('true')
  })
})

describeDocker('a drop-in for docker/setup-buildx-action', () => {
  test("empty buildkitd-flags: both entitlements; buildx's buildkitd.default.toml is the base; nodes in the documented shape, no files", async () => {
    const name = uniqueName('dropin')
    const buildx = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-config-'))
    fs.writeFileSync(path.join(buildx, 'buildkitd.default.toml'), '[registry."docker.io"]\nmirrors = ["corp-mirror.example"]\n')
    const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts() }, env: { BUILDX_CONFIG: buildx } })
    afterTest(name, run)
    try {
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(main.stdout).toContain(`buildx's default ${path.join(buildx, 'buildkitd.default.toml')} is the base config`)
      expect(configInBuilder(name).registry).toEqual({ 'docker.io': { mirrors: ['corp-mirror.example'] } })
      const cmd = JSON.parse(docker(['inspect', '--format', '{{json .Config.Cmd}}', containerOf(name)]).stdout) as string[]
      expect(cmd.join(' ')).toContain('--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host')
      const outputs = readOutputs(run)
      const nodes = JSON.parse(outputs.nodes) as Record<string, unknown>[]
      expect(nodes).toEqual([
        {
          name: `${name}0`,
          endpoint: expect.any(String),
          'driver-opts': expect.arrayContaining(['network=host']),
          status: 'running',
          'buildkitd-flags': '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host',
          buildkit: outputs['buildkit-version'],
          platforms: outputs.platforms,
          verified: true,
          // This action's addition (#23): where the image came from. The base config's docker.io
          // mirror does not resolve, so the original reference, with a warning.
          image: { ref: buildkitImage(), source: 'original reference', digest: null }
        }
      ])
      expect(outputs).toMatchObject({ endpoint: nodes[0].endpoint, status: 'running', flags: nodes[0]['buildkitd-flags'] })
      expect(outputs.nodes).not.toContain('Files')
      expect((await runPost(run)).exitCode).toBe(0)
      expect(leftovers(name, run.runnerTemp)).toEqual([])
    } finally {
      fs.rmSync(buildx, { recursive: true, force: true })
    }
  })
})
