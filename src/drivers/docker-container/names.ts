import { nodeName } from '../../docker/buildx.js'

// The docker-container driver's names: a node's container and state volume, and the docker CLI
// flags that reach its engine (driver/docker-container/driver.go). Pure.

/** The container the docker-container driver runs the daemon in. */
export function containerName(builder: string): string {
  return nodeContainer(nodeName(builder))
}

/** The container of a node (driver/docker-container: buildx_buildkit_ + the node's name). */
export function nodeContainer(node: string): string {
  return `buildx_buildkit_${node}`
}

/**
 * The docker CLI's global flags that reach a node's engine. buildx records a docker context
 * by name and a docker host as a URL (builder/builder.go validateEndpoint; the default
 * context as its host, e.g. unix:///var/run/docker.sock).
 */
export function engineArgs(endpoint: string): string[] {
  if (endpoint === '') return []
  return /^[a-z]+:\/\//.test(endpoint) ? ['--host', endpoint] : ['--context', endpoint]
}

/** The state volume mounted at /var/lib/buildkit; `rm --keep-state` keeps it. */
export function volumeName(builder: string): string {
  return nodeVolume(nodeName(builder))
}

/** A node's state volume (driver/docker-container: the container's name + _state). */
export function nodeVolume(node: string): string {
  return `${nodeContainer(node)}_state`
}
