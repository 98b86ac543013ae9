import { createHash } from 'node:crypto'
import * as fs from 'node:fs'

// What fetching a release asset takes, for the CNI plugins (cni-image.ts) and buildx
// (install.ts) alike: the download through @actions/tool-cache with an error that says what
// to check, the SHA-256 of a file, and the SHA-256 recorded beside a cached copy.

type ToolCache = Pick<typeof import('@actions/tool-cache'), 'downloadTool'>

/**
 * Downloads `url` to `dest`. On failure: "could not download WHAT (HTTP n)" or the network
 * error, then `hint(status)`: what to check.
 */
export async function download(tc: ToolCache, url: string, dest: string, what: string, hint: (status?: number) => string): Promise<string> {
  try {
    return await tc.downloadTool(url, dest)
  } catch (err) {
    const status = (err as { httpStatusCode?: number }).httpStatusCode
    throw new Error(`could not download ${what}${status ? ` (HTTP ${status})` : `: ${(err as Error).message}`}. ${hint(status)}`, {
      cause: err
    })
  }
}

/** The SHA-256 of a file, read as a stream. */
export async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** A small file's trimmed text (a recorded SHA-256), or undefined when there is none. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}
