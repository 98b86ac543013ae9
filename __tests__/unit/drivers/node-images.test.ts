import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { kubeletImage } from '../../../src/drivers/common.js'
import { driverFor } from '../../../src/drivers/factory.js'
import type { BuilderImage, Driver } from '../../../src/drivers/driver.js'
import { nodeImage, nodeImages, withImage } from '../../../src/drivers/node-images.js'
import type { HubMirror } from '../../../src/docker/mirror-refs.js'
import type { Inputs, NodeSpec } from '../../../src/inputs/model.js'
import type { CniInputs } from '../../../src/cni/settings.js'

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

const dockerContainerImage = driverFor('docker-container').builderImage as BuilderImage

describe("the image buildx runs for a node (buildx's default, image=, cni-image)", () => {
  test.each<[string, string[], CniInputs | undefined, BuilderImage, string | undefined]>([
    ['docker-container, no image=', ['network=host'], undefined, dockerContainerImage, 'moby/buildkit:buildx-stable-1'],
    ['the last image= (buildx keeps the last)', ['image=a/b:1', 'network=host,image=c/d:2'], undefined, dockerContainerImage, 'c/d:2'],
    ['cni-image over image=', ['image=a/b:1'], { image: 'team/cni:1' }, dockerContainerImage, 'team/cni:1'],
    ['cni: bridge keeps the stock image', [], { bridge: {} }, dockerContainerImage, 'moby/buildkit:buildx-stable-1'],
    ['cni: true: the image built on the runner', [], { build: {} } as CniInputs, dockerContainerImage, undefined],
    ['kubernetes, no image=', [], undefined, kubeletImage, 'moby/buildkit:buildx-stable-1'],
    ['kubernetes rootless=true: the rootless image', ['rootless=true'], undefined, kubeletImage, 'moby/buildkit:buildx-stable-1-rootless'],
    ['kubernetes rootless=true with image=', ['rootless=true', 'image=a/b:1'], undefined, kubeletImage, 'a/b:1'],
    ['kubernetes rootless=false', ['rootless=false'], undefined, kubeletImage, 'moby/buildkit:buildx-stable-1']
  ])('%s', (_what, opts, cni, image, want) => {
    expect(nodeImage(opts, cni, image)).toBe(want)
  })

  test('the chosen image goes last; none chosen leaves the options as they are', () => {
    expect(withImage(['image=a/b:1', 'network=host'], { ref: 'm.example/a/b:1', original: 'a/b:1', mirror: 'm.example' })).toEqual([
      'image=a/b:1',
      'network=host',
      'image=m.example/a/b:1'
    ])
    expect(withImage(['network=host'], undefined)).toEqual(['network=host'])
    // On fallback buildx takes the original reference: the options stay as given (no second image=).
    expect(withImage(['image=a/b:1'], { ref: 'a/b:1', original: 'a/b:1' })).toEqual(['image=a/b:1'])
  })

  test('which drivers run an image: docker-container and kubernetes; remote and docker none', () => {
    expect(['docker-container', 'kubernetes', 'remote', 'docker'].map(d => driverFor(d).builderImage !== undefined)).toEqual([
      true,
      true,
      false,
      false
    ])
  })
})

describe("each node's image, fetched where the node runs", () => {
  const mirror: HubMirror = { mirror: 'm.example', host: 'm.example', path: '', http: false, insecure: false, ca: false }
  const node = (endpoint: string, driverOpts: string[], i: number): NodeSpec => ({
    endpoint,
    driverOpts,
    buildkitdFlags: [],
    platforms: [],
    label: i === 0 ? 'the first node' : `append[${i - 1}]`
  })

  test('once per engine and reference; a node of another registry is left alone', async () => {
    const fetch = jest.fn(async (_endpoint: string, _ref: string) => ({ digest: 'sha256:1', how: 'pulled' }))
    const driver = { builderImage: { defaultFor: () => 'moby/buildkit:buildx-stable-1', fetch } } as unknown as Driver
    const inputs = {
      nodes: [node('', [], 0), node('', [], 1), node('ctx2', [], 2), node('ctx2', ['image=ghcr.io/x/y:1'], 3)]
    } as unknown as Inputs
    const got = await nodeImages(driver, inputs, [mirror])
    expect(fetch.mock.calls).toEqual([
      ['', 'm.example/moby/buildkit:buildx-stable-1'],
      ['ctx2', 'm.example/moby/buildkit:buildx-stable-1']
    ])
    expect(got.map(s => s?.ref)).toEqual([
      'm.example/moby/buildkit:buildx-stable-1',
      'm.example/moby/buildkit:buildx-stable-1',
      'm.example/moby/buildkit:buildx-stable-1',
      undefined
    ])
  })
})
