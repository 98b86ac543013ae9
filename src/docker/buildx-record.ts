import { createHash } from 'node:crypto'
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

/** A platform as buildx records it (ocispecs.Platform, JSON). */
export interface RecordedPlatform {
  os: string
  architecture: string
  variant?: string
}

/** A node as buildx records it (store/nodegroup.go Node); Files are never read from it (recordedFiles hashes them). */
export interface RecordedNode {
  Name: string
  Endpoint: string
  DriverOpts?: Record<string, string> | null
  Flags?: string[] | null
  /** --platform as buildx parsed it (platformutil.Parse: normalised); null when none was given */
  Platforms?: RecordedPlatform[] | null
}

/** The nodes of a builder's record. */
export function recordedNodes(instanceJson: string): RecordedNode[] {
  const rec = JSON.parse(instanceJson) as { Nodes?: RecordedNode[] | null }
  return (rec.Nodes ?? []).map(n => ({
    Name: n.Name,
    Endpoint: n.Endpoint,
    DriverOpts: n.DriverOpts,
    Flags: n.Flags,
    Platforms: n.Platforms
  }))
}

/** `os/architecture[/variant]`, as --platform is written. */
export function platformText(p: RecordedPlatform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/')
}

/**
 * What buildx copies into a node (Node.Files, from util/confutil/container.go LoadConfigFiles:
 * `buildkitd.toml` with its certificate paths rewritten under /etc/buildkit, and each
 * certificate file as `certs/<host>/<base name>`), seen only as the config's text and each
 * file's SHA-256: no other content leaves this function (keys are among the files).
 */
export interface RecordedFiles {
  /** The config as buildx writes it into the node; undefined when the node was created without one */
  config?: string
  /** Every other file by its path under /etc/buildkit → SHA-256 of its content */
  sha256: Map<string, string>
}

/** Each node's files, by the nodes' order (JSON encodes Go's []byte as base64). */
export function recordedFiles(instanceJson: string): RecordedFiles[] {
  const rec = JSON.parse(instanceJson) as { Nodes?: { Files?: Record<string, string> | null }[] | null }
  return (rec.Nodes ?? []).map(n => {
    const out: RecordedFiles = { sha256: new Map() }
    for (const [name, b64] of Object.entries(n.Files ?? {})) {
      const content = Buffer.from(b64, 'base64')
      if (name === CONFIG_FILE_NAME) out.config = content.toString('utf8')
      else out.sha256.set(name, createHash('sha256').update(content).digest('hex'))
    }
    return out
  })
}

/** The config's name among a node's files (container.go: m["buildkitd.toml"]). */
const CONFIG_FILE_NAME = 'buildkitd.toml'

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
