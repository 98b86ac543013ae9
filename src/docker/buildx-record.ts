import * as path from 'node:path'

// buildx's own files: its configuration directory, buildkitd.default.toml and its record of each
// builder (store/store.go), read without starting a process and never printed. Pure.

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

/** buildx's record of a builder: its driver, its name and its nodes (store/nodegroup.go NodeGroup). */
export interface BuilderRecord {
  Driver: string
  Name: string
  Nodes: RecordedNode[]
}

/** A builder's record from its file's text; never printed (its nodes' Files hold keys). */
export function parseBuilderRecord(instanceJson: string): BuilderRecord {
  const rec = JSON.parse(instanceJson) as { Driver?: string; Name?: string }
  return { Driver: rec.Driver ?? '', Name: rec.Name ?? '', Nodes: recordedNodes(instanceJson) }
}

/** A node's recorded driver options as `key=value` lines, as they were given. */
export function optionLines(opts: RecordedNode['DriverOpts']): string[] {
  return Object.entries(opts ?? {}).map(([k, v]) => `${k}=${v}`)
}
