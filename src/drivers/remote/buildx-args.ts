// The remote driver's buildx command lines: its nodes' create, and verify-pull from the runner
// (a build's outline through the builder). Pure.

export interface RemoteCreateOptions {
  name: string
  /** The node's name (--node); remoteNodeName for the first */
  node?: string
  /** The daemon's address (tcp://, unix://, ssh://, docker-container://, kube-pod://) */
  endpoint: string
  /** remoteTlsFiles' driverOpts: absolute paths, never env:NAME */
  driverOpts: string[]
  platforms?: string[]
  use: boolean
  append?: boolean
  /** Connects now and waits for the daemon (--bootstrap); default true */
  bootstrap?: boolean
}

/**
 * `docker buildx create` for a remote node: no --config and no --buildkitd-flags, which the
 * remote driver refuses (factory.go New), and no owner env option (refused as well).
 */
export function remoteCreateArgs(o: RemoteCreateOptions): string[] {
  const args = ['buildx', 'create', ...(o.append ? ['--append'] : []), ...(o.bootstrap === false ? [] : ['--bootstrap']), '--name', o.name]
  if (!o.append) args.push('--driver', 'remote')
  if (o.node) args.push('--node', o.node)
  for (const opt of o.driverOpts) args.push('--driver-opt', opt)
  if (o.platforms && o.platforms.length > 0) args.push('--platform', o.platforms.join(','))
  if (o.use && !o.append) args.push('--use')
  args.push(o.endpoint)
  return args
}

// ---------------------------------------------------------------------------------------
// verify-pull from the runner

/**
 * `docker buildx build` of a Dockerfile `FROM <ref>` with the outline subrequest through the
 * builder: the remote daemon resolves the reference with its own registry config (manifest
 * and config, no layers), as RESOLVE_SCRIPT makes buildctl do inside a container builder.
 * `--call` is buildx >= 0.15's (older ones had the experimental --print). The metadata file
 * names the build's history record, removed afterwards.
 */
export function outlineArgs(builder: string, dir: string, metadataFile: string): string[] {
  return ['buildx', 'build', '--builder', builder, '--call', 'outline', '--progress', 'plain', '--metadata-file', metadataFile, dir]
}

/** The history record a build left (`buildx.build.ref`: builder/node/ref), from its metadata file. */
export function historyRef(metadataJson: string): string | undefined {
  try {
    const ref = (JSON.parse(metadataJson) as Record<string, unknown>)['buildx.build.ref']
    return typeof ref === 'string' && ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : undefined
  } catch {
    return undefined
  }
}

/**
 * One resolution in the marker format of RESOLVE_SCRIPT (buildkit/resolve.ts parseResolveOutput), with
 * buildx's final `ERROR: failed to build: failed to solve: …` (cmd/buildx/main.go,
 * commands/build.go) written as buildctl's `error: failed to solve: …`, which buildctlError reads.
 */
export function resolveRecord(index: number, stderr: string, exitCode: number, seconds: number): string {
  const lines = stderr
    .split(/\r?\n/)
    .map(l => l.replace(/^ERROR: (failed to build: )?/, 'error: '))
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .slice(-40)
  const body = lines.filter(l => l !== '').length === 0 ? '' : `${lines.join('\n').replace(/\n*$/, '')}\n`
  return `@@resolve-begin ${index}\n${body}@@resolve-end ${index} ${exitCode} ${seconds}\n`
}
