import { afterEach, expect, jest, test } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { newRun, readOutputs, readState, root, runMain, runPost, type Run, type StepResult } from '../../scripts/runner.mjs'
import {
  afterTest,
  cleanUpTests,
  containerOf,
  describeDocker,
  docker,
  driverOpts,
  errors,
  leftovers,
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
