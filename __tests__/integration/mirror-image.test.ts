import { afterAll, afterEach, beforeAll, expect, jest, test } from '@jest/globals'
import { kubeletImage } from '../../src/drivers/common.js'
import { newRun, readOutputs, readSummary, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import {
  afterTest,
  buildkitImage,
  cleanUpTests,
  containerOf,
  describeDocker,
  docker,
  dockerProblem,
  errors,
  eventsNow,
  leftovers,
  pulledSince,
  secondContext,
  uniqueName
} from './docker-env.js'
import { startMirrorOf, type MirrorOfImage, type TestRegistries } from './registry-env.js'

// The builder's own image through the docker.io mirror (image-via-mirror): a real registry on
// 127.0.0.1 (Debian's docker-registry, registry-env.ts) holds the BuildKit image under test as
// moby/buildkit:<a tag of this run>, which exists nowhere else, and Docker Hub is not
// reachable from these machines. With mirrors: docker.io=<that registry>, the builder must come
// up from the mirror's copy; the engine's own events must show the mirror's reference pulled
// and never the Docker Hub one. The builder needs network=host (no bridge on this engine).
jest.setTimeout(240_000)

const TAG = `mirror-${process.pid}-${Date.now()}`
const ORIGINAL = `moby/buildkit:${TAG}`
let mirror: MirrorOfImage | undefined
let regs: TestRegistries
let pushed: MirrorOfImage['pushed']

beforeAll(async () => {
  if (dockerProblem) return
  // The same image at the registry's root and under a path prefix (a Harbor-style proxy project).
  mirror = await startMirrorOf(buildkitImage(), ORIGINAL, ['', '/hub'])
  ;({ regs, pushed } = mirror)
}, 180_000)
afterAll(() => mirror?.stop())
afterEach(cleanUpTests)

function start(tag: string, inputs: Record<string, string>): { name: string; run: Run } {
  const name = uniqueName(tag)
  const run = newRun({ inputs: { name, use: 'false', ...inputs } })
  afterTest(name, run)
  return { name, run }
}

const warnings = (stdout: string): string[] => stdout.split('\n').filter(l => l.startsWith('::warning::'))
const nodeImage = (run: Run): unknown => (JSON.parse(readOutputs(run).nodes) as { image?: unknown }[])[0].image

async function finish(name: string, run: Run): Promise<void> {
  expect((await runPost(run)).exitCode).toBe(0)
  expect(leftovers(name, run.runnerTemp)).toEqual([])
}

describeDocker('the BuildKit image through the docker.io mirror', () => {
  test.each([
    ['at its root', ''],
    ['under a path prefix', '/hub']
  ])('a mirror %s holding the image: the builder comes up from it, Docker Hub is never asked', async (_what, prefix) => {
    const mirror = `${regs.httpMirror}${prefix}`
    const ref = `${mirror}/${ORIGINAL}`
    expect(docker(['image', 'inspect', ORIGINAL]).status).not.toBe(0) // not on the engine: only the mirror has it
    const { name, run } = start('mirror-image', { mirrors: `docker.io=http://${mirror}`, 'driver-opts': `image=${ORIGINAL}\nnetwork=host` })
    const since = eventsNow()
    const main = await runMain(run)
    const pulled = pulledSince(since)
    expect(errors(main.stdout)).toEqual([])
    expect(warnings(main.stdout)).toEqual([])
    expect(main.stdout).toContain(
      `the first node: BuildKit image ${ORIGINAL}: pulled ${ref} from the docker.io mirror ${mirror}, digest ${pushed[prefix].digest}`
    )
    // buildx was given the mirror's reference, and its own pull of it worked.
    expect(main.stdout).toContain(`pulling image ${ref}`)
    expect(main.stdout).not.toContain('pulling failed')
    expect(docker(['inspect', '--format', '{{.Config.Image}}', containerOf(name)]).stdout.trim()).toBe(ref)
    expect(readOutputs(run).verified).toBe('true')
    expect(nodeImage(run)).toEqual({ ref, source: `docker.io mirror ${mirror}`, digest: pushed[prefix].digest })
    expect(readSummary(run)).toContain(
      `<tr><th align="left">Image source</th><td><code>${ref}</code> (docker.io mirror ${mirror}, <code>${pushed[prefix].digest}</code>)</td></tr>`
    )
    // The engine's own account: the mirror's reference pulled, the Docker Hub one never.
    expect(pulled).toContain(ref)
    expect(pulled.filter(p => p === ORIGINAL || p === `docker.io/${ORIGINAL}` || p === `docker.io/library/${ORIGINAL}`)).toEqual([])
    await finish(name, run)
  })

  test("an appended node on another docker context pulls the image there for itself; both nodes run the mirror's reference", async () => {
    const ref = `${regs.httpMirror}/${ORIGINAL}`
    const ctx = secondContext()
    const second = `mn-${process.pid}-${Date.now()}`
    const append = [`- name: ${second}`, `  endpoint: ${ctx}`, '  driver-opts:', `    - image=${ORIGINAL}`, '    - network=host'].join('\n')
    const { name, run } = start('mirror-nodes', {
      mirrors: `docker.io=http://${regs.httpMirror}`,
      'driver-opts': `image=${ORIGINAL}\nnetwork=host`,
      append
    })
    try {
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(warnings(main.stdout)).toEqual([])
      // One pull per engine: the first node's on the current context, append[0]'s on its own.
      expect(main.stdout).toContain(
        `the first node: BuildKit image ${ORIGINAL}: pulled ${ref} from the docker.io mirror ${regs.httpMirror}`
      )
      expect(main.stdout).toContain(`append[0]: BuildKit image ${ORIGINAL}: pulled ${ref} from the docker.io mirror ${regs.httpMirror}`)
      const nodes = JSON.parse(readOutputs(run).nodes) as { name: string; image?: { ref: string } }[]
      expect(nodes.map(n => [n.name, n.image?.ref])).toEqual([
        [`${name}0`, ref],
        [second, ref]
      ])
      for (const c of [containerOf(name), `buildx_buildkit_${second}`]) {
        expect(docker(['inspect', '--format', '{{.Config.Image}}', c]).stdout.trim()).toBe(ref)
      }
      expect(readOutputs(run).verified).toBe('true')
      await finish(name, run)
      expect(docker(['container', 'inspect', `buildx_buildkit_${second}`]).status).not.toBe(0)
    } finally {
      docker(['rm', '-f', `buildx_buildkit_${second}`])
      docker(['volume', 'rm', '-f', `buildx_buildkit_${second}_state`])
    }
  })

  test.each([
    ['lacks the image', () => regs.httpMirror, /manifest unknown|not found/],
    ['is down', () => regs.deadHost, /connection refused/]
  ])('a mirror that %s: the original reference, with a warning saying what failed; nothing left behind', async (_what, mirror, why) => {
    // The image under test is on the engine under its own name, so buildx falls back to it as
    // it does today when its pull (here from Docker Hub) fails.
    const image = buildkitImage()
    const { name, run } = start('mirror-fallback', {
      mirrors: `docker.io=http://${mirror()}`,
      'driver-opts': `image=${image}\nnetwork=host`
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    const warned = warnings(main.stdout)
    expect(warned).toHaveLength(1)
    expect(warned[0]).toContain(
      `::warning::the first node: BuildKit image ${image} is not taken from a docker.io mirror: mirror ${mirror()} (${mirror()}/`
    )
    expect(warned[0]).toMatch(why)
    expect(warned[0]).toContain(
      'Using the original reference, which is pulled from Docker Hub (set image-via-mirror: false to skip the mirrors for it)'
    )
    expect(docker(['inspect', '--format', '{{.Config.Image}}', containerOf(name)]).stdout.trim()).toBe(image)
    expect(readOutputs(run).verified).toBe('true')
    expect(nodeImage(run)).toEqual({ ref: image, source: 'original reference', digest: null })
    await finish(name, run)
  })

  test('image-via-mirror: false: buildx is given the original reference; no pull through the mirror', async () => {
    const { name, run } = start('mirror-off', {
      mirrors: `docker.io=http://${regs.httpMirror}`,
      'image-via-mirror': 'false',
      'driver-opts': `image=${buildkitImage()}\nnetwork=host`
    })
    const main = await runMain(run)
    expect(errors(main.stdout)).toEqual([])
    expect(main.stdout).not.toContain('Take the BuildKit image from the docker.io mirror')
    expect(docker(['inspect', '--format', '{{.Config.Image}}', containerOf(name)]).stdout.trim()).toBe(buildkitImage())
    expect(nodeImage(run)).toBeUndefined()
    await finish(name, run)
  })

  test('kubernetes nodes (the kubelet pulls): the runner asks the mirror for the manifest, without pulling; a tag it lacks is an error', async () => {
    const ref = `${regs.httpMirror}/${ORIGINAL}`
    const since = eventsNow()
    await expect(kubeletImage.fetch('', ref)).resolves.toEqual({
      digest: pushed[''].digest,
      how: 'found (from the runner; the cluster pulls it)'
    })
    await expect(kubeletImage.fetch('', `${regs.httpMirror}/moby/buildkit:no-such-tag-${TAG}`)).rejects.toThrow(/not found/)
    expect(pulledSince(since).filter(p => p.includes(TAG))).toEqual([])
  })

  test('the daemon does not start with the mirrored image: the step fails, nothing is left behind', async () => {
    const ref = `${regs.httpMirror}/${ORIGINAL}`
    const { name, run } = start('mirror-fail', {
      mirrors: `docker.io=http://${regs.httpMirror}`,
      'driver-opts': `image=${ORIGINAL}\nnetwork=host`,
      'buildkitd-flags': '--no-such-flag'
    })
    const main = await runMain(run)
    expect(main.exitCode).not.toBe(0)
    expect(main.stdout).toContain(`pulled ${ref} from the docker.io mirror`)
    expect(errors(main.stdout)[0]).toMatch(/^the BuildKit daemon did not start: buildkitd: flag provided but not defined: -no-such-flag/)
    expect(leftovers(name, run.runnerTemp)).toEqual([])
  })
})
