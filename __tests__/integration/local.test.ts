import { afterEach, expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { root } from '../../scripts/runner.mjs'
import { buildkitImage, describeDocker, docker, forceRemove, uniqueName } from './docker-env.js'

// The README's first command: `npm run local -- <inputs.json>` (scripts/run-local.mjs on the
// built dist/), as a newcomer runs it, against the local engine.
jest.setTimeout(120_000)

const dirs: string[] = []
const builders: string[] = []
afterEach(() => {
  for (const b of builders.splice(0)) forceRemove(b)
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const pki = (f: string): string => fs.readFileSync(path.join(root, '__tests__', 'fixtures', 'buildkit', 'test-pki', f), 'utf8')

function local(inputs: Record<string, unknown>, env: Record<string, string> = {}, files: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-'))
  dirs.push(dir)
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text)
  fs.writeFileSync(path.join(dir, 'inputs.json'), JSON.stringify(inputs))
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-local.mjs'), path.join(dir, 'inputs.json')], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd: os.tmpdir()
  })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

describeDocker('npm run local', () => {
  test(
    'a key from env: is never shown (no ::add-mask:: lines either); the job summary is printed as text; JSON booleans work; paths are relative to ' +
      'the inputs file',
    async () => {
      const name = uniqueName('local')
      builders.push(name)
      const key = pki('client.key')
      const r = local(
        { name, debug: true, 'registry-certs': 'myregistry.test:5443 ca=ca.pem cert=env:REG_CERT key=env:REG_KEY' },
        { REG_CERT: pki('client.crt'), REG_KEY: key },
        { 'ca.pem': pki('ca.pem') }
      )
      expect(r.out).toContain('verified: true')
      expect(r.status).toBe(0)
      expect(r.out).not.toContain('::add-mask::')
      for (const line of key.split('\n').filter(l => l.length >= 8 && !l.startsWith('-----'))) expect(r.out).not.toContain(line)
      expect(r.out).toMatch(/== job summary\n## BuildKit builder it-local-\d+-\d+\n/)
      expect(r.out).toContain('myregistry.test:5443 |')
      expect(r.out).toContain('▶ Read and check inputs')
    }
  )

  test('an input the action does not declare is warned about, as a runner does', () => {
    const name = uniqueName('local-unexpected')
    builders.push(name)
    const r = local({ name, mirror: 'docker.io=mirror.gcr.io' })
    expect(r.out).toMatch(/^Warning: Unexpected input\(s\) 'mirror', valid inputs are \['name', /m)
  })

  test("a driver-opts error names the user's own line", () => {
    const r = local({ name: uniqueName('local-opts'), 'driver-opts': 'not-key-value' })
    expect(r.status).toBe(1)
    expect(r.out).toContain('Error: input "driver-opts", line 1: "not-key-value" is not key=value')
  })

  test('KEEP=1 keeps the builder, but not as the current builder', () => {
    const name = uniqueName('local-keep')
    builders.push(name)
    const before = docker(['buildx', 'inspect']).stdout.split('\n')[0]
    const r = local({ name }, { KEEP: '1' })
    expect(r.status).toBe(0)
    expect(r.out).toContain(`remove it with docker buildx rm ${name}`)
    expect(docker(['buildx', 'inspect', name]).status).toBe(0)
    expect(docker(['buildx', 'inspect']).stdout.split('\n')[0]).toBe(before)
  })
})

// Which daemon `npm run local` runs (#26): a real BuildKit image when one can be had, and the
// stand-in named as such in plain words when none can.
describeDocker('npm run local: the BuildKit image', () => {
  const realAtHand = (): string | undefined =>
    ['moby/buildkit:buildx-stable-1', 'moby/buildkit:latest'].find(ref => docker(['image', 'inspect', ref]).status === 0) ??
    (docker(['pull', '--quiet', 'moby/buildkit:buildx-stable-1']).status === 0 ? 'moby/buildkit:buildx-stable-1' : undefined)

  test('BUILDKIT_IMAGE unset: a local or pullable moby/buildkit, else the stand-in, said so at the top and in the result', () => {
    const name = uniqueName('local-image')
    builders.push(name)
    const { BUILDKIT_IMAGE: _, ...env } = process.env
    void _
    const real = realAtHand()
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-local.mjs'), path.join(root, 'examples', 'local.json')], {
      encoding: 'utf8',
      env,
      cwd: os.tmpdir()
    })
    const out = `${r.stdout}${r.stderr}`
    expect(r.status).toBe(0)
    if (real === undefined) {
      // This machine reaches no registry and has no such image: the stand-in, named.
      expect(out.split('\n')[0]).toMatch(
        /^== NOTE: a stand-in daemon, not BuildKit\. No real BuildKit image could be had \(no BUILDKIT_IMAGE, /
      )
      expect(out.trim().split('\n').pop()).toMatch(/^== the builder ran a stand-in daemon, not BuildKit \(buildkit-standin:[0-9a-f]{12}\)/)
    } else {
      expect(out).not.toContain('stand-in')
      expect(out).toContain(`BuildKit image ${real} (`)
    }
    for (const line of out.split('\n').filter(l => l.startsWith('name: '))) builders.push(line.slice('name: '.length))
  })

  test('BUILDKIT_IMAGE set: that image, and no word of a stand-in', () => {
    const image = process.env.BUILDKIT_IMAGE || 'buildkit-standin-as-real:unused'
    if (!process.env.BUILDKIT_IMAGE) {
      // The stand-in under another name, named by BUILDKIT_IMAGE as a user would name a real image.
      docker(['tag', buildkitImage(), image])
    }
    try {
      const name = uniqueName('local-env')
      builders.push(name)
      const r = local({ name }, { BUILDKIT_IMAGE: image })
      expect(r.status).toBe(0)
      expect(r.out).toContain(`BuildKit image ${image} (from BUILDKIT_IMAGE)`)
      expect(r.out).not.toContain('stand-in')
    } finally {
      if (!process.env.BUILDKIT_IMAGE) docker(['image', 'rm', image])
    }
  })
})
