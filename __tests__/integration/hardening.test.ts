import { afterEach, expect, jest, test } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createArgs } from '../../src/docker/buildx.js'
import { nodeContainer, nodeVolume } from '../../src/drivers/docker-container/names.js'
import { newRun, readOutputs, readState, root, runMain, runPost, type Run, type StepResult } from '../../scripts/runner.mjs'
import {
  afterTest,
  buildkitImage,
  cleanUpTests,
  containerOf,
  describeDocker,
  docker,
  driverOpts,
  errors,
  leftovers,
  secondContext,
  uniqueName,
  until
} from './docker-env.js'

// Faults a user meets: two runs that pick the same builder name, a cancelled job, names
// buildx changes. Interleavings are made exact with the action's test pause
// (BUILDKIT_BUILDER_ACTION_TEST_PAUSE), never left to luck.
jest.setTimeout(180_000)
afterEach(cleanUpTests)

const running = (container: string): boolean =>
  docker(['container', 'inspect', '--format', '{{.State.Running}}', container]).stdout.trim() === 'true'

describeDocker('hardening', () => {
  test('two runs with one builder name: the second fails and removes nothing of the first', async () => {
    const name = uniqueName('same')
    const gate = path.join(fs.mkdtempSync(path.join(root, '.test-gate-')), 'go')
    // A passes its name check, then waits before `buildx create`; B runs whole meanwhile.
    const a = newRun({
      inputs: { name, use: 'false', 'driver-opts': driverOpts() },
      env: { BUILDKIT_BUILDER_ACTION_TEST_PAUSE: `create:${gate}` }
    })
    const b = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts() } })
    afterTest(name, a)
    afterTest(undefined, b)
    try {
      const mainA = runMain(a)
      await until('run A to reach its pause', () => (readState(a).owner ?? '') !== '')
      const mainB = await runMain(b)
      expect(errors(mainB.stdout)).toEqual([])
      expect(running(containerOf(name))).toBe(true)

      fs.writeFileSync(gate, '')
      const resA = await mainA
      expect(resA.exitCode).toBe(1)
      expect(errors(resA.stdout)).toEqual([
        expect.stringMatching(/^docker buildx create failed \(exit code 1\): .*existing instance for "it-same-\d+-\d+" but no append mode/)
      ])
      expect(resA.stdout).toContain(`builder ${name} is not this run's`)
      // B's builder lives on, through A's clean-up and A's post.
      expect(running(containerOf(name))).toBe(true)
      expect((await runPost(a)).exitCode).toBe(0)
      expect(running(containerOf(name))).toBe(true)
      expect(readOutputs(b).verified).toBe('true')

      expect((await runPost(b)).exitCode).toBe(0)
      expect(leftovers(name, b.runnerTemp)).toEqual([])
      expect(leftovers(name, a.runnerTemp)).toEqual([])
    } finally {
      fs.rmSync(path.dirname(gate), { recursive: true, force: true })
    }
  })

  test('a cancelled job: SIGTERM during buildx create stops the child processes at once; post removes the rest', async () => {
    const name = uniqueName('cancel')
    // A daemon that refuses to start keeps buildx create retrying for about 16 s.
    const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts(), 'buildkitd-flags': '--no-such-flag' } })
    afterTest(name, run)
    const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    const exited = new Promise<number | null>(r => child.on('close', code => r(code)))
    // buildx runs as `docker buildx` or as its plugin binary directly (docker.ts runBuildx).
    await until('buildx create to start', () => /\$ (docker buildx|\S*docker-buildx) create/.test(stdout))
    await new Promise(r => setTimeout(r, 1000))
    const t0 = Date.now()
    child.kill('SIGTERM')
    const code = await exited
    const took = Date.now() - t0
    expect(code).toBe(143)
    expect(took).toBeLessThan(6000)
    expect(stdout).toContain("SIGTERM: stopping this step's child processes")
    // No docker or buildx process of this run is left running.
    const left = spawnSync('pgrep', ['-af', `--name ${name}`], { encoding: 'utf8' }).stdout.trim()
    expect(left).toBe('')
    const post: StepResult = await runPost(run)
    expect(post.exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })

  test("an upper-case name: the builder is found, verified and removed under buildx's lower-case name", async () => {
    const given = `It-Upper-${process.pid}`
    const name = given.toLowerCase()
    const run: Run = newRun({ inputs: { name: given, use: 'false', 'driver-opts': driverOpts() } })
    afterTest(name, run)
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(readOutputs(run)).toMatchObject({ name, verified: 'true' })
    expect(running(containerOf(name))).toBe(true)
    expect((await runPost(run)).exitCode).toBe(0)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })
})

// Someone else's daemon under a node's name (#18). buildx reuses a container of the node's
// name whoever made it, and its record of builders is per runner (BUILDX_CONFIG): a crafted
// `append` node name (`victim0`) or one fixed name on a shared engine must never make this
// run remove another builder's container or its state volume. The foreign builders are made
// with raw `docker buildx create` under a buildx config directory of their own, as another
// runner sharing the engine would. (The stand-in daemon speaks no dial-stdio, so buildx can't
// take over a running stand-in: the run may fail at create rather than run on it; either
// way nothing of the other builder may go.)
describeDocker('a node whose container exists and is not this run’s', () => {
  const foreign: { name: string; node: string; config: string }[] = []
  afterEach(() => {
    for (const f of foreign.splice(0)) {
      spawnSync('docker', ['buildx', 'rm', '--force', f.name], { env: { ...process.env, BUILDX_CONFIG: f.config }, stdio: 'ignore' })
      docker(['rm', '-f', nodeContainer(f.node)])
      docker(['volume', 'rm', '-f', nodeVolume(f.node)])
      fs.rmSync(f.config, { recursive: true, force: true })
    }
  })

  /** A builder another runner made on this engine (its own buildx record), its daemon running or stopped. */
  function foreignBuilder(name: string, { stopped = false, node = `${name}0` } = {}): void {
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'test-buildx-'))
    foreign.push({ name, node, config })
    const toml = path.join(config, 'buildkitd.toml')
    fs.writeFileSync(toml, '')
    const r = spawnSync(
      'docker',
      createArgs({
        name,
        driver: 'docker-container',
        configPath: toml,
        driverOpts: [`image=${buildkitImage()}`, 'network=host'],
        buildkitdFlags: [],
        use: false,
        node
      }),
      { encoding: 'utf8', env: { ...process.env, BUILDX_CONFIG: config } }
    )
    if (r.status !== 0) throw new Error(`the other builder could not be made: ${r.stderr}`)
    expect(running(nodeContainer(node))).toBe(true)
    if (stopped) expect(docker(['stop', nodeContainer(node)]).status).toBe(0)
  }

  /** The other builder's node: its container (running or stopped as it was, when said) and its state volume are there. */
  function untouched(node: string, { stopped }: { stopped?: boolean } = { stopped: false }): void {
    const state = docker(['container', 'inspect', '--format', '{{.State.Running}}', nodeContainer(node)])
    expect(state.status).toBe(0)
    if (stopped !== undefined) expect(state.stdout.trim()).toBe(String(!stopped))
    expect(docker(['volume', 'inspect', nodeVolume(node)]).status).toBe(0)
    const env = docker(['container', 'inspect', '--format', '{{json .Config.Env}}', nodeContainer(node)]).stdout
    expect(env).not.toContain('BUILDKIT_BUILDER_ACTION_OWNER')
  }

  test.each([
    ['running', false],
    ['stopped', true]
  ])(
    "an append node named like another builder's node (victim0), the victim %s: refused before create, the victim untouched",
    async (_how, stopped) => {
      const victim = uniqueName('victim')
      foreignBuilder(victim, { stopped })
      const name = uniqueName('mine')
      const append = [
        `- name: ${victim}0`,
        `  endpoint: ${secondContext()}`,
        '  driver-opts:',
        ...driverOpts()
          .split('\n')
          .map(o => `    - ${o}`)
      ].join('\n')
      const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts(), append } })
      afterTest(name, run)
      const main = await runMain(run)
      // First what matters: nothing of the other builder went, whatever the error says.
      untouched(`${victim}0`, { stopped })
      expect(main.exitCode).toBe(1)
      expect(errors(main.stdout)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^node ${victim}0 \\(append\\[0\\]\\): container buildx_buildkit_${victim}0 on \\S+ already exists and is not this run's`
          )
        )
      ])
      expect(main.stdout).not.toMatch(/\$ (docker buildx|\S*docker-buildx) create/)
      expect((await runPost(run)).exitCode).toBe(0)
      untouched(`${victim}0`, { stopped })
      expect(leftovers(name, run.runnerTemp)).toEqual([])
    }
  )

  test.each([
    ['running', false],
    ['stopped', true]
  ])(
    'one fixed name on a shared engine, the other runner’s builder %s: refused before create, its container and volume untouched',
    async (_how, stopped) => {
      const name = uniqueName('shared')
      foreignBuilder(name, { stopped })
      const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts() } })
      afterTest(undefined, run)
      const main = await runMain(run)
      // First what matters: nothing of the other builder went, whatever the error says.
      untouched(`${name}0`, { stopped })
      expect(main.exitCode).toBe(1)
      expect(errors(main.stdout)).toEqual([
        expect.stringMatching(new RegExp(`^node ${name}0 \\(the first node\\): container buildx_buildkit_${name}0 already exists`))
      ])
      expect(main.stdout).not.toMatch(/\$ (docker buildx|\S*docker-buildx) create/)
      expect((await runPost(run)).exitCode).toBe(0)
      untouched(`${name}0`, { stopped })
      expect(docker(['buildx', 'inspect', name]).status).not.toBe(0)
    }
  )

  // The other runner's daemon stopped when create meets it: buildx starts it and runs on it
  // (with a running stand-in it could not dial it and create would fail; a real daemon it would
  // dial as well). verify: warn must not let the run pass on it, nor its post remove it.
  test('the race: another runner makes the container between the check and create; the run fails and leaves it alone', async () => {
    const name = uniqueName('race')
    const gate = path.join(fs.mkdtempSync(path.join(root, '.test-gate-')), 'go')
    const run = newRun({
      inputs: { name, use: 'false', 'driver-opts': driverOpts(), verify: 'warn' },
      env: { BUILDKIT_BUILDER_ACTION_TEST_PAUSE: `create:${gate}` }
    })
    // Not forceRemove(name): the container is the other runner's; its afterEach removes it.
    afterTest(undefined, run)
    try {
      const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      child.stdout.on('data', d => (stdout += d))
      const exited = new Promise<number | null>(r => child.on('close', code => r(code)))
      await until('the run to pause before create', () => stdout.includes('test pause before create'))
      const checked = stdout.includes(`no container buildx_buildkit_${name}0`)
      foreignBuilder(name, { stopped: true })
      fs.writeFileSync(gate, '')
      const code = await exited
      // First what matters: nothing of the other runner's went, in main or in post.
      untouched(`${name}0`, {})
      expect((await runPost(run)).exitCode).toBe(0)
      untouched(`${name}0`, {})
      expect(code).toBe(1)
      // It was free at the check; create then met it, started it and ran on it: verification
      // found the mark on its container is not this run's.
      expect(checked).toBe(true)
      expect(errors(stdout)).toEqual([
        expect.stringMatching(
          new RegExp(`^node ${name}0 \\(the first node\\): container buildx_buildkit_${name}0 on \\S+ is not this run's.*took over`)
        )
      ])
    } finally {
      docker(['buildx', 'rm', '--keep-daemon', name])
      fs.rmSync(path.dirname(gate), { recursive: true, force: true })
    }
  })
  test("the race on an appended node: only that node is another runner's; it is detached and left, this run's own node removed", async () => {
    const name = uniqueName('race2')
    const node = `${name}-b`
    const gate = path.join(fs.mkdtempSync(path.join(root, '.test-gate-')), 'go')
    const append = [
      `- name: ${node}`,
      `  endpoint: ${secondContext()}`,
      '  driver-opts:',
      ...driverOpts()
        .split('\n')
        .map(o => `    - ${o}`)
    ].join('\n')
    const run = newRun({
      inputs: { name, use: 'false', 'driver-opts': driverOpts(), verify: 'warn', append },
      env: { BUILDKIT_BUILDER_ACTION_TEST_PAUSE: `create:${gate}` }
    })
    afterTest(name, run) // this run's builder and its first node; the other runner's node is removed by its own afterEach
    try {
      const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      child.stdout.on('data', d => (stdout += d))
      const exited = new Promise<number | null>(r => child.on('close', code => r(code)))
      await until('the run to pause before create', () => stdout.includes('test pause before create'))
      foreignBuilder(`${name}x`, { stopped: true, node })
      fs.writeFileSync(gate, '')
      const code = await exited
      untouched(node, {})
      expect((await runPost(run)).exitCode).toBe(0)
      untouched(node, {})
      expect(code).toBe(1)
      expect(errors(stdout)).toEqual([
        expect.stringMatching(
          new RegExp(`^node ${node} \\(append\\[0\\]\\): container buildx_buildkit_${node} on \\S+ is not this run's.*took over`)
        )
      ])
      expect(stdout).toContain(`create --leave --name ${name} --node ${node}`)
      // This run's own node went, with its volume, and buildx's record of the builder.
      expect(docker(['container', 'inspect', nodeContainer(`${name}0`)]).status).not.toBe(0)
      expect(docker(['volume', 'inspect', nodeVolume(`${name}0`)]).status).not.toBe(0)
      expect(docker(['buildx', 'inspect', name]).status).not.toBe(0)
    } finally {
      fs.rmSync(path.dirname(gate), { recursive: true, force: true })
    }
  })
})
