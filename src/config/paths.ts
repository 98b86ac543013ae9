import { createHash } from 'node:crypto'
import * as path from 'node:path'

// Where buildx puts the config and certificates inside the builder (util/confutil/container.go),
// and the file names this action gives them on the runner. Pure.

export const CONTAINER_CONFIG_DIR = '/etc/buildkit'

export const CONTAINER_CONFIG_FILE = `${CONTAINER_CONFIG_DIR}/buildkitd.toml`

/**
 * buildx copies each `ca`/`keypair` file of [registry."<host>"] into
 * /etc/buildkit/certs/<host with every run of [^a-zA-Z0-9.-] replaced by _>/<base name>
 * and rewrites the path in the config it copies
 * (https://github.com/docker/buildx/blob/master/util/confutil/container.go). Two files with
 * one base name overwrite each other, and `a:1` and `a_1` share a directory.
 */
export function containerCertDir(registry: string): string {
  return `${CONTAINER_CONFIG_DIR}/certs/${registry.replace(/[^a-zA-Z0-9.-]+/g, '_')}`
}

export function containerCertPath(registry: string, hostPath: string): string {
  return `${containerCertDir(registry)}/${path.basename(hostPath)}`
}

/**
 * Base names for one registry's files that no other registry's can take, even when two
 * registries share a certs directory in the container: a short hash of the exact name.
 */
export function certBaseName(registry: string, kind: 'ca' | 'cert' | 'key', index: number): string {
  const h = createHash('sha256').update(registry).digest('hex').slice(0, 8)
  const ext = { ca: 'pem', cert: 'crt', key: 'key' }[kind]
  return `${kind === 'ca' ? 'ca' : 'client'}-${h}-${index}.${ext}`
}
