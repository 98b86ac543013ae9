import * as log from '../runner/log.js'
import { engineReachNotes, mirrorReference, type HubMirror } from './mirror-refs.js'
import type { ImageRef } from './refs.js'

// A Docker Hub image taken from the config's docker.io mirrors, in order, instead of from
// Docker Hub: buildx's docker-container driver asks the engine to pull the node's image
// every time (driver/docker-container/driver.go create: ImageCreate, then a local image only
// when the pull fails), and the engine knows nothing of BuildKit's mirrors. So the mirror's
// own reference is fetched where the image is needed, and handed on when it was served.
// When no mirror serves it, the original reference is kept, with a warning saying why.

/** What fetching gave: the digest as the engine (or registry) reports it. */
export interface Fetched {
  digest: string
  /** For the log: 'pulled', or 'checked from the runner (the cluster pulls it)' */
  how: string
}

/** Where an image came from: the reference handed on, and the mirror that served it. */
export interface ImageSource {
  /** The reference given to buildx (or built FROM) */
  ref: string
  /** The reference asked for, e.g. moby/buildkit:buildx-stable-1 */
  original: string
  /** The mirror (as in the config) that served it; undefined: the original reference is used */
  mirror?: string
  /** The manifest's digest as the engine reported it; undefined on fallback */
  digest?: string
}

/** The words the log, the summary and the `nodes` output use for the source of an image. */
export function sourceText(s: ImageSource): string {
  return s.mirror === undefined ? 'original reference' : `docker.io mirror ${s.mirror}`
}

/**
 * Tries each mirror in order with `fetch` (a pull through the engine, or a check where the
 * engine is not the one that pulls); the first that serves the image wins. `what` names the
 * image's use for messages ("the first node's BuildKit image").
 */
export async function throughMirrors(
  what: string,
  original: ImageRef,
  mirrors: readonly HubMirror[],
  fetch: (ref: string) => Promise<Fetched>
): Promise<ImageSource> {
  const failures: string[] = []
  for (const m of mirrors) {
    const ref = mirrorReference(original, m)
    if (typeof ref !== 'string') {
      failures.push(`mirror ${m.mirror}: ${ref.problem}`)
      continue
    }
    try {
      const got = await fetch(ref)
      log.info(`${what} ${original.input}: ${got.how} ${ref} from the docker.io mirror ${m.mirror}, digest ${got.digest}`)
      return { ref, original: original.input, mirror: m.mirror, digest: got.digest }
    } catch (err) {
      const notes = engineReachNotes(m)
      failures.push(`mirror ${m.mirror} (${ref}): ${(err as Error).message}${notes.length > 0 ? ` [${notes.join('; ')}]` : ''}`)
    }
  }
  log.warning(
    `${what} ${original.input} is not taken from a docker.io mirror: ${failures.join('; ')}. Using the original reference, which is ` +
      'pulled from Docker Hub (set image-via-mirror: false to skip the mirrors for it)'
  )
  return { ref: original.input, original: original.input }
}
