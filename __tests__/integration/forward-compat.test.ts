import { afterAll, afterEach, expect, jest, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { SCHEMA_NEWEST } from '../../src/config/schema.js'
import { newRun, readOutputs, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import {
  afterTest,
  buildkitImage,
  cleanUpTests,
  configInBuilder,
  describeDocker,
  docker,
  dockerOk,
  errors,
  leftovers,
  uniqueName
} from './docker-env.js'

// Strict where the key table knows, open where it doesn't (plan/check-keys.ts), on real
// daemons: a key the table doesn't know is refused on a BuildKit the table covers (before
// create when the image's tag pins the version, after create from the version the daemon
// reports otherwise, leaving nothing), and passed through with a warning on a newer one.
jest.setTimeout(180_000)
afterEach(cleanUpTests)

// Far from every known key: what a key a future BuildKit adds looks like to this table.
const KEY = 'worker.oci.snapshotterGarbageCollectorInterval'
const CONFIG = '[worker.oci]\nsnapshotterGarbageCollectorInterval = "1h"\n'
const REAL_IMAGE = process.env.BUILDKIT_IMAGE ?? ''
const standin = path.join(import.meta.dirname, '..', 'standin', 'build.sh')

const made: string[] = []
afterAll(() => {
  for (const tag of made.splice(0)) docker(['image', 'rm', tag])
})

/** The BuildKit image under a tag of the test's own that pins no version, as buildx-stable-1 doesn't. */
function unpinned(image: string): string {
  const tag = `it-unpinned-buildkit:${process.pid}`
  dockerOk(['tag', image, tag])
  if (!made.includes(tag)) made.push(tag)
  return tag
}

/**
 * A daemon newer than the table's newest: the stand-in built as v0.99.0, or with a real image,
 * FUTURE_BUILDKIT_IMAGE (../shared/real-buildkit/build GIT_DIR v0.32.2=v0.99.0 builds
 * moby/buildkit:v0.99.0). With a real image and no FUTURE_BUILDKIT_IMAGE that test is skipped,
 * and says so.
 */
const FUTURE_IMAGE = REAL_IMAGE === '' ? 'standin' : process.env.FUTURE_BUILDKIT_IMAGE || undefined
if (FUTURE_IMAGE === undefined) {
  console.warn(
    `forward-compat: the newer-daemon test is SKIPPED: BUILDKIT_IMAGE=${REAL_IMAGE} is real, and FUTURE_BUILDKIT_IMAGE names no image ` +
      'of a newer BuildKit (../shared/real-buildkit/build GIT_DIR v0.32.2=v0.99.0 builds moby/buildkit:v0.99.0)'
  )
}
const testFuture = FUTURE_IMAGE === undefined ? test.skip : test

function futureImage(): string {
  if (FUTURE_IMAGE !== 'standin' && FUTURE_IMAGE !== undefined) return FUTURE_IMAGE
  return execFileSync(standin, { encoding: 'utf8', env: { ...process.env, STANDIN_VERSION: 'v0.99.0' } }).trim()
}

function start(image: string, extra: Record<string, string> = {}): { run: Run; name: string } {
  const name = uniqueName('keys')
  const run = newRun({
    inputs: { name, use: 'false', 'driver-opts': `image=${image}\nnetwork=host`, 'buildkitd-config-inline': CONFIG, ...extra }
  })
  afterTest(name, run)
  return { run, name }
}

async function nothingLeft(run: Run, name: string): Promise<void> {
  expect((await runPost(run)).exitCode).toBe(0)
  expect(leftovers(name, run.runnerTemp)).toEqual([])
}

describeDocker('keys the key table does not know', () => {
  test('the image pinned to v0.29.0 by its tag: refused before create, naming the key and the version', async () => {
    const { run, name } = start('moby/buildkit:v0.29.0')
    const main = await runMain(run)
    expect(main.exitCode).toBe(1)
    expect(errors(main.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^input "buildkitd-config-inline": ${KEY.replace(/\./g, '\\.')}: BuildKit has no such key; .*` +
            `\\(this builder runs BuildKit v0\\.29\\.0, which ignores it \\(the key table covers BuildKit up to ${SCHEMA_NEWEST}\\)\\)$`
        )
      )
    ])
    expect(main.stdout).not.toMatch(/buildx\S* create/)
    await nothingLeft(run, name)
  })

  test.each(['true', 'warn'])(
    'the image not pinned (verify: %s): created, the version its daemon reports rules, and nothing is left on failure',
    async verify => {
      const { run, name } = start(unpinned(buildkitImage()), { verify })
      const main = await runMain(run)
      const out = readOutputs(run)
      const version = out['buildkit-version']
      expect(version).toMatch(/^v\d+\.\d+\.\d+/)
      // Before create the key waits for the daemon's version.
      expect(main.stdout).toContain(`${KEY}: checked once the builder runs, against the BuildKit version its daemon reports`)
      expect(main.stdout).toMatch(/buildx\S* create/)
      const problem = `${KEY}: BuildKit has no such key`
      if (verify === 'true') {
        expect(main.exitCode).toBe(1)
        expect(errors(main.stdout).join('\n')).toContain(problem)
        expect(errors(main.stdout).join('\n')).toContain(`this builder runs BuildKit ${version}, which ignores it`)
        expect(out.verified).toBe('false')
        // The failure removed the builder at once.
        expect(leftovers(name, run.runnerTemp)).toEqual([])
      } else {
        expect(main.exitCode).toBe(0)
        expect(main.stdout).toMatch(new RegExp(`::warning::.*${KEY.replace(/\./g, '\\.')}: BuildKit has no such key`))
        expect(out.verified).toBe('false')
      }
      await nothingLeft(run, name)
    }
  )

  testFuture(
    `a daemon newer than the table (v0.99.0 > ${SCHEMA_NEWEST}): the key is passed through with a warning naming it and both versions`,
    async () => {
      const image = futureImage()
      const { run, name } = start(image)
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(main.exitCode).toBe(0)
      const out = readOutputs(run)
      expect(out['buildkit-version']).toMatch(/^v0\.99\.0/)
      expect(out.verified).toBe('true')
      const warnings = main.stdout.split('\n').filter(l => l.startsWith('::warning::'))
      expect(warnings).toEqual([expect.stringContaining(`${KEY}: BuildKit has no such key`)])
      expect(warnings[0]).toContain(`passed through: BuildKit v0.99.0 is newer than ${SCHEMA_NEWEST}`)
      // Passed through: the daemon has it in its config.
      expect((configInBuilder(name).worker as { oci: Record<string, unknown> }).oci.snapshotterGarbageCollectorInterval).toBe('1h')
      await nothingLeft(run, name)
    }
  )
})
