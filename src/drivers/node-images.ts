import type { CniInputs } from '../cni/settings.js'
import { driverOptValue } from '../docker/driver-opts.js'
import { hubImage, type HubMirror } from '../docker/mirror-refs.js'
import { throughMirrors, type Fetched, type ImageSource } from '../docker/through-mirror.js'
import * as docker from '../docker/cli.js'
import type { ImageRef } from '../docker/refs.js'
import type { Inputs } from '../inputs/model.js'
import * as log from '../runner/log.js'
import type { BuilderImage, Driver } from './driver.js'

// The step "Take the BuildKit image from the docker.io mirror": each node's image, when it is
// a Docker Hub image, fetched where the node runs from the config's docker.io mirrors, so
// that buildx is given the mirror's reference and nothing asks Docker Hub
// (docker/through-mirror.ts). Each node's engine pulls for itself; a kubelet can only be given
// the reference (the driver's BuilderImage says how).

/** Whether the step runs: a driver whose nodes run an image, image-via-mirror on, a docker.io mirror. */
export function takesImagesFromMirror(driver: Driver, inputs: Pick<Inputs, 'imageViaMirror'>, mirrors: readonly HubMirror[]): boolean {
  return driver.builderImage !== undefined && inputs.imageViaMirror && mirrors.length > 0
}

/**
 * Each node's image source, by the nodes' order; undefined for a node whose image the
 * action does not choose (not a Docker Hub image, or the CNI image built on the runner).
 */
export async function nodeImages(driver: Driver, inputs: Inputs, mirrors: readonly HubMirror[]): Promise<(ImageSource | undefined)[]> {
  const image = driver.builderImage
  if (!image) return []
  // One fetch per engine and reference: nodes on one engine share its image store.
  const fetched = new Map<string, Promise<Fetched>>()
  const sources: (ImageSource | undefined)[] = []
  for (const n of inputs.nodes) {
    const ref = nodeImage(n.driverOpts, inputs.cni, image)
    const hub = ref === undefined ? undefined : hubImage(ref)
    if (ref !== undefined && hub === undefined) log.info(`${n.label}: ${ref} is not a Docker Hub image: buildx is given it as it is`)
    if (hub === undefined) {
      sources.push(undefined)
      continue
    }
    const fetch = (r: string): Promise<Fetched> => {
      const key = `${n.endpoint}\0${r}`
      if (!fetched.has(key)) fetched.set(key, image.fetch(n.endpoint, r))
      return fetched.get(key) as Promise<Fetched>
    }
    sources.push(await throughMirrors(`${n.label}: BuildKit image`, hub, mirrors, fetch))
  }
  return sources
}

/**
 * The image buildx would run for a node: cni-image's, else its last image= (buildx keeps the
 * last), else the driver's default; undefined with cni: true, whose image is built on the runner.
 */
export function nodeImage(driverOpts: readonly string[], cni: CniInputs | undefined, image: BuilderImage): string | undefined {
  if (cni !== undefined && 'build' in cni) return undefined
  if (cni !== undefined && 'image' in cni) return cni.image
  return driverOptValue(driverOpts, 'image') ?? image.defaultFor(driverOpts)
}

/**
 * A node's driver options with the mirror's reference last, when a mirror served the image
 * (buildx keeps the last image=); as they are on fallback, where buildx takes the original.
 */
export function withImage(driverOpts: readonly string[], source: ImageSource | undefined): string[] {
  return source?.mirror !== undefined ? [...driverOpts, `image=${source.ref}`] : [...driverOpts]
}

/** How the CNI image's base comes from the mirrors: pulled on the runner's engine, which builds the image; undefined when they are off. */
export function baseViaMirror(mirrors: readonly HubMirror[]): ((ref: ImageRef) => Promise<ImageSource>) | undefined {
  if (mirrors.length === 0) return undefined
  return ref => throughMirrors("the CNI image's base (buildkit-image)", ref, mirrors, r => docker.pullImage([], r))
}
