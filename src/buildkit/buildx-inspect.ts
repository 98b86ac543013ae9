// `docker buildx inspect`'s text (commands/inspect.go at buildx v0.29.1): the builder, then
// per node its name, endpoint, status or error, BuildKit version, platforms and the first
// worker's labels. For docker-container builders the same output lists every copied file,
// keys included: only drivers that copy none (docker, remote) parse it, and it is never
// printed. Pure.

import type { DaemonInfo } from './daemon-info.js'

export interface InspectedNode {
  name: string
  endpoint: string
  /** running, inactive, …; '' when buildx printed an error instead */
  status: string
  version?: string
  /** Every platform listed, without buildx's `*` */
  platforms: string[]
  /**
   * The platforms the node was given (--platform): buildx marks them with `*` and lists a
   * daemon's platform that is also one of them only once, so these can't tell whether the
   * daemon offers them (util/platformutil/parse.go FormatInGroups).
   */
  configured: string[]
  /** The first worker's labels (builder/node.go loadData) */
  labels: Record<string, string>
  /** org.mobyproject.buildkit.worker.network */
  network?: string
  error?: string
}

export interface Inspected {
  name: string
  driver: string
  /** The builder's own error line, when buildx printed one instead of the nodes */
  error?: string
  nodes: InspectedNode[]
}

/**
 * The text of `docker buildx inspect` (commands/inspect.go, v0.29.1: a tabwriter of
 * `Key:  value` lines; indented lines belong to the key above them). For a docker-container
 * builder it holds every copied file, keys included: parse it, never print it.
 */
export function parseInspect(text: string): Inspected {
  const out: Inspected = { name: '', driver: '', nodes: [] }
  let node: InspectedNode | undefined
  let section = ''
  let inNodes = false
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue
    if (/^\s/.test(line)) {
      if (node && section === 'Labels') addLabel(node, line)
      continue
    }
    if (line.trim() === 'Nodes:') {
      inNodes = true
      continue
    }
    const m = /^([^:]+?):\s*(.*)$/.exec(line)
    if (!m) continue
    const [, key, value] = m
    section = key
    if (!inNodes) {
      setBuilderField(out, key, value)
    } else if (key === 'Name') {
      node = { name: value, endpoint: '', status: '', platforms: [], configured: [], labels: {} }
      out.nodes.push(node)
    } else if (node) {
      setNodeField(node, key, value)
    }
  }
  for (const n of out.nodes) n.network = n.labels['org.mobyproject.buildkit.worker.network']
  return out
}

/** Adds the label an indented line of a node's Labels section gives (`  key: value`). */
function addLabel(node: InspectedNode, line: string): void {
  const m = /^\s+(\S+?):\s*(.*)$/.exec(line)
  if (m) node.labels[m[1]] = m[2].trim()
}

/** Sets the builder's name, driver or error from a line above the nodes; other keys are ignored. */
function setBuilderField(out: Inspected, key: string, value: string): void {
  if (key === 'Name') out.name = value
  else if (key === 'Driver') out.driver = value
  else if (key === 'Error') out.error = value
}

/** Sets the field of a node that a `Key: value` line gives; other keys are ignored. */
function setNodeField(node: InspectedNode, key: string, value: string): void {
  switch (key) {
    case 'Endpoint':
      node.endpoint = value
      break
    case 'Status':
      node.status = value
      break
    case 'Error':
      node.error = value
      break
    case 'BuildKit version':
      node.version = value
      break
    case 'Platforms':
      addPlatforms(node, value)
      break
  }
}

/** Adds the platforms of a Platforms line: each without buildx's `*`, and the starred ones to the configured ones too. */
function addPlatforms(node: InspectedNode, value: string): void {
  for (const p of value
    .split(',')
    .map(s => s.trim())
    .filter(s => s !== '')) {
    const bare = p.replace(/\*$/, '')
    node.platforms.push(bare)
    if (p.endsWith('*')) node.configured.push(bare)
  }
}

/**
 * The daemon's answer for one node, from `buildx inspect --bootstrap`. buildx lists the
 * workers (builder/node.go loadData) but prints neither their number nor their IDs: a running
 * node with labels or platforms has at least one, reported as 1.
 */
export function daemonFromInspect(info: Inspected, nodeName: string): DaemonInfo | { error: string } {
  if (info.error) return { error: info.error }
  const n = info.nodes.find(x => x.name === nodeName)
  if (!n) return { error: `buildx inspect lists no node ${nodeName}` }
  if (n.error) return { error: n.error }
  if (n.status !== 'running')
    return { error: `buildx reports the node ${n.status || 'without a status'} (it could not list the daemon's workers at ${n.endpoint})` }
  const daemonPlatforms = n.platforms.filter(p => !n.configured.includes(p))
  if (Object.keys(n.labels).length === 0 && daemonPlatforms.length === 0) {
    return { error: 'the daemon reports no workers: BuildKit answers but can run no build' }
  }
  return { version: n.version ?? 'unknown', platforms: n.platforms, network: n.network, workers: 1 }
}
