import { createHash } from 'node:crypto'
import * as path from 'node:path'
import { ownerFromDriverOpts, remoteOwnerOf, withOwnerOpt } from './owner.js'

// buildx's naming rules and command lines for the docker-container driver. Pure.
// https://github.com/docker/buildx/blob/master/driver/docker-container/driver.go

export const CONTAINER_CONFIG_DIR = '/etc/buildkit'
export const CONTAINER_CONFIG_FILE = `${CONTAINER_CONFIG_DIR}/buildkitd.toml`

/** `buildx create --name X` makes one node named X0 (`--node` is not used here). */
export function nodeName(builder: string): string {
  return `${builder}0`
}

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

/** What a plugged-in feature (CNI) adds to the builder. */
export interface Addition {
  driverOpts?: string[]
  /** Worker network mode the daemon must report */
  network?: string
  /** One line for the log and the summary, e.g. which image and why */
  description?: string
}

export interface CreateOptions {
  name: string
  driver: string
  configPath: string
  driverOpts: string[]
  buildkitdFlags: string[]
  use: boolean
  /** This run's mark (ownerOf); none when empty */
  owner?: string
  /** Appends a node to the builder (buildx create --append: the builder's driver applies) */
  append?: boolean
  /** Starts the node's daemon now (--bootstrap); default true */
  bootstrap?: boolean
  /** The node's name (--node); buildx picks one when absent */
  node?: string
  /** Fixed platforms (--platform) */
  platforms?: string[]
  /** Docker context, docker host or BuildKit address; the current context when empty */
  endpoint?: string
}

/**
 * Where buildx keeps a builder's record: $BUILDX_CONFIG, else the buildx directory beside the
 * docker CLI's config ($DOCKER_CONFIG or ~/.docker), then instances/<name in lower case>
 * (util/confutil/config.go NewConfig; store/store.go). It holds every copied file too, keys
 * included: read it silently, never print it.
 */
export function instancePath(name: string, env: NodeJS.ProcessEnv, home: string): string {
  return path.join(buildxDir(env, home), 'instances', name.toLowerCase())
}

/** buildx's configuration directory (util/confutil/config.go NewConfig). */
export function buildxDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.BUILDX_CONFIG || path.join(env.DOCKER_CONFIG || path.join(home, '.docker'), 'buildx')
}

/**
 * The BuildKit config buildx applies to new builders given no --config (buildx >= 0.9:
 * util/confutil/config.go BuildKitConfigFile, used by builder/builder.go Create).
 */
export function defaultConfigPath(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(buildxDir(env, home), 'buildkitd.default.toml')
}

/** A node as buildx records it (store/nodegroup.go Node); Files are never read from it. */
export interface RecordedNode {
  Name: string
  Endpoint: string
  DriverOpts?: Record<string, string> | null
  Flags?: string[] | null
}

/** The nodes of a builder's record. */
export function recordedNodes(instanceJson: string): RecordedNode[] {
  const rec = JSON.parse(instanceJson) as { Nodes?: RecordedNode[] | null }
  return (rec.Nodes ?? []).map(n => ({ Name: n.Name, Endpoint: n.Endpoint, DriverOpts: n.DriverOpts, Flags: n.Flags }))
}

/** The owner mark in a builder's record ('' when it has none): what the record's nodes carry. */
export function ownerOf(instanceJson: string): string {
  const rec = JSON.parse(instanceJson) as { Driver?: string; Name?: string }
  const nodes = recordedNodes(instanceJson)
  // The remote driver takes no option to carry it: the first node's name does.
  if (rec.Driver === 'remote') return remoteOwnerOf(rec.Name ?? '', nodes) ?? ''
  return nodes.map(n => ownerFromDriverOpts(rec.Driver ?? '', n.DriverOpts)).find(v => v !== undefined) ?? ''
}

export function createArgs(o: CreateOptions): string[] {
  const args = ['buildx', 'create', ...(o.append ? ['--append'] : []), ...(o.bootstrap === false ? [] : ['--bootstrap']), '--name', o.name]
  // buildx refuses --driver on --append only when it differs; the builder's own applies anyway.
  if (!o.append) args.push('--driver', o.driver)
  if (o.node) args.push('--node', o.node)
  args.push('--config', o.configPath)
  for (const opt of withOwnerOpt(o.driver, o.owner ?? '', o.driverOpts)) args.push('--driver-opt', opt)
  if (o.buildkitdFlags.length > 0) args.push('--buildkitd-flags', joinShellWords(o.buildkitdFlags))
  if (o.platforms && o.platforms.length > 0) args.push('--platform', o.platforms.join(','))
  if (o.use && !o.append) args.push('--use')
  if (o.endpoint) args.push(o.endpoint)
  return args
}

/**
 * Starts every node of a builder at once (builder.go Boot: one goroutine per node). Its
 * stdout lists the nodes with their copied files: never shown.
 */
export function bootArgs(name: string): string[] {
  return ['buildx', 'inspect', '--bootstrap', name]
}

/**
 * keepDaemon: remove buildx's record only, the daemon (container or Deployment) and its state
 * stay (rm --keep-daemon: driver Rm removes nothing without rmDaemon).
 */
export function rmArgs(name: string, keepState: boolean, keepDaemon = false): string[] {
  return ['buildx', 'rm', ...(keepState ? ['--keep-state'] : []), ...(keepDaemon ? ['--keep-daemon'] : []), name]
}

/**
 * Detaches a node from buildx's record of a builder, its daemon untouched (create --leave:
 * builder.go Leave edits the record only; store/nodegroup.go Leave refuses the last node).
 */
export function leaveArgs(builder: string, node: string): string[] {
  return ['buildx', 'create', '--leave', '--name', builder, '--node', node]
}

/** The inverse of buildx's shlex split of --buildkitd-flags. */
export function joinShellWords(words: string[]): string {
  return words.map(w => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ')
}
