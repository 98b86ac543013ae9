import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { throughMirrors, type Fetched } from '../../../src/docker/through-mirror.js'
import { parseImageRef, type ImageRef } from '../../../src/docker/refs.js'
import type { HubMirror } from '../../../src/docker/mirror-refs.js'

const printed: string[] = []
beforeEach(() => {
  printed.length = 0
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (printed.push(String(chunk)), true))
})
afterEach(() => {
  jest.restoreAllMocks()
})

const original = parseImageRef('moby/buildkit:v0.29.0') as ImageRef
const m = (mirror: string, o: Partial<HubMirror> = {}): HubMirror => ({
  mirror,
  host: mirror.split('/')[0],
  path: mirror.includes('/') ? mirror.slice(mirror.indexOf('/')) : '',
  http: false,
  insecure: false,
  ca: false,
  ...o
})
const DIGEST = `sha256:${'c'.repeat(64)}`

/** A fetch that serves the references in `served` and fails the others with the engine's words. */
function fetcher(served: Record<string, string>): { fetch: (ref: string) => Promise<Fetched>; asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    fetch: async ref => {
      asked.push(ref)
      if (ref in served) return { digest: DIGEST, how: 'pulled' }
      throw new Error(served[''] ?? `manifest for ${ref} not found: manifest unknown: manifest unknown`)
    }
  }
}

describe('a Docker Hub image through the docker.io mirrors, in order', () => {
  test('the first mirror that serves it wins; the later ones are not asked', async () => {
    const f = fetcher({ 'second.example/moby/buildkit:v0.29.0': '' })
    const got = await throughMirrors(
      'the first node: BuildKit image',
      original,
      [m('first.example'), m('second.example'), m('third.example')],
      f.fetch
    )
    expect(got).toEqual({
      ref: 'second.example/moby/buildkit:v0.29.0',
      original: 'moby/buildkit:v0.29.0',
      mirror: 'second.example',
      digest: DIGEST
    })
    expect(f.asked).toEqual(['first.example/moby/buildkit:v0.29.0', 'second.example/moby/buildkit:v0.29.0'])
    expect(printed).toEqual([
      'the first node: BuildKit image moby/buildkit:v0.29.0: pulled second.example/moby/buildkit:v0.29.0 from the docker.io mirror ' +
        `second.example, digest ${DIGEST}\n`
    ])
  })

  test("none serves it: the original reference, and one warning with each mirror's reason and what the engine needs", async () => {
    const f = fetcher({})
    const got = await throughMirrors(
      'the first node: BuildKit image',
      original,
      [m('10.0.0.5:5000/hub', { http: true }), m('ca.example', { ca: true }), m('m.example/Upper')],
      f.fetch
    )
    expect(got).toEqual({ ref: 'moby/buildkit:v0.29.0', original: 'moby/buildkit:v0.29.0' })
    expect(f.asked).toEqual(['10.0.0.5:5000/hub/moby/buildkit:v0.29.0', 'ca.example/moby/buildkit:v0.29.0'])
    expect(printed).toHaveLength(1)
    expect(printed[0]).toBe(
      '::warning::the first node: BuildKit image moby/buildkit:v0.29.0 is not taken from a docker.io mirror: ' +
        'mirror 10.0.0.5:5000/hub (10.0.0.5:5000/hub/moby/buildkit:v0.29.0): ' +
        'manifest for 10.0.0.5:5000/hub/moby/buildkit:v0.29.0 not found: manifest unknown: manifest unknown ' +
        '[10.0.0.5:5000 is plain HTTP: the Docker engine pulls over plain HTTP only from a loopback address or a host in its ' +
        'insecure-registries (daemon.json)]; ' +
        'mirror ca.example (ca.example/moby/buildkit:v0.29.0): manifest for ca.example/moby/buildkit:v0.29.0 not found: ' +
        'manifest unknown: manifest unknown ' +
        '[the CA given for ca.example reaches BuildKit, not the Docker engine, which reads /etc/docker/certs.d/ca.example/ca.crt ' +
        "on the engine's host]; " +
        'mirror m.example/Upper: its path makes no image name for docker.io/moby/buildkit:v0.29.0: ' +
        '"m.example/Upper/moby/buildkit:v0.29.0" has "Upper" in its name; ' +
        'a name is lower-case letters and digits, separated by . _ __ - or /. ' +
        'Using the original reference, which is pulled from Docker Hub (set image-via-mirror: false to skip the mirrors for it)\n'
    )
  })
})
