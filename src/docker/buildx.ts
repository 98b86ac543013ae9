// buildx's command lines (create, boot, rm, leave) and its naming of the first node. Pure.
// https://github.com/docker/buildx/blob/master/builder/builder.go
// https://github.com/docker/buildx/blob/master/driver/docker-container/driver.go

/** The image buildx's docker-container and kubernetes drivers run without image= (driver/bkimage/bkimage.go DefaultImage). */
export const DEFAULT_BUILDKIT_IMAGE = 'moby/buildkit:buildx-stable-1'
/** The kubernetes driver's image with rootless=true and no image= (driver/kubernetes/factory.go: bkimage.DefaultRootlessImage). */
export const DEFAULT_ROOTLESS_IMAGE = 'moby/buildkit:buildx-stable-1-rootless'

/** `buildx create --name X` makes one node named X0 (`--node` is not used here). */
export function nodeName(builder: string): string {
  return `${builder}0`
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
  /** The node's driver options, the driver's owner mark among them (drivers/<name>/owner.ts) */
  driverOpts: string[]
  buildkitdFlags: string[]
  use: boolean
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

export function createArgs(o: CreateOptions): string[] {
  const args = ['buildx', 'create', ...(o.append ? ['--append'] : []), ...(o.bootstrap === false ? [] : ['--bootstrap']), '--name', o.name]
  // buildx refuses --driver on --append only when it differs; the builder's own applies anyway.
  if (!o.append) args.push('--driver', o.driver)
  if (o.node) args.push('--node', o.node)
  args.push('--config', o.configPath)
  for (const opt of o.driverOpts) args.push('--driver-opt', opt)
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
