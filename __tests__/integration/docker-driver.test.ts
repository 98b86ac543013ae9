import { afterEach, expect, jest, test } from '@jest/globals'
import { newRun, readOutputs, readSummary, runMain, runPost } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, describeDocker, docker, errors } from './docker-env.js'

// driver: docker, on the real engine: the builder is the docker context's own (the engine's
// built-in BuildKit). Nothing is created, written or removed; verification reports what the
// daemon says. Config inputs are refused before anything runs.
jest.setTimeout(120_000)
afterEach(cleanUpTests)

describeDocker('driver: docker', () => {
  test("the context's builder, as the daemon reports it; post leaves it", async () => {
    const context = docker(['context', 'show']).stdout.trim()
    const run = newRun({ inputs: { driver: 'docker', use: 'false' } })
    afterTest(undefined, run)
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const out = readOutputs(run)
    // What buildx itself says of the engine's builder, asked independently.
    const inspect = docker(['buildx', 'inspect', context]).stdout
    const version = /BuildKit version:\s*(\S+)/.exec(inspect)?.[1]
    expect(version).toBeDefined()
    expect(out).toMatchObject({ name: context, driver: 'docker', 'buildkit-version': version, verified: 'true', config: '' })
    expect(JSON.parse(out.nodes)).toEqual([
      expect.objectContaining({ name: context, endpoint: context, status: 'running', verified: true })
    ])
    expect(readSummary(run)).toContain(`BuildKit builder ${context}`)
    expect(main.stdout).not.toContain('Create builder')
    // Nothing of this run's under RUNNER_TEMP but its directory, which post removes.
    const post = await runPost(run)
    expect(errors(post.stdout)).toEqual([])
    expect(post.stdout).toContain('this run created no builder')
    expect(docker(['buildx', 'inspect', context]).status).toBe(0)
  })

  test.each([
    [
      { mirrors: 'docker.io=mirror.gcr.io' },
      'input "mirrors": the docker driver uses the Docker engine\'s own BuildKit, which takes no BuildKit config: set "registry-mirrors"'
    ],
    [{ 'keep-state': 'true' }, 'input "keep-state": the docker driver\'s builder is never removed']
  ])("%j is refused, naming the engine's setting; nothing made", async (inputs, message) => {
    const run = newRun({ inputs: { driver: 'docker', ...inputs } })
    afterTest(undefined, run)
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout).join('\n')).toContain(message)
  })
})
