import * as fs from 'node:fs'
import * as path from 'node:path'

// The buildx binary the docker CLI would run for `docker buildx …`, so that the action can
// run it itself: `docker buildx X` starts the docker CLI, which asks the plugin for its
// metadata and then starts it again for the command (measured here: 180-240 ms for `docker buildx version`,
// 70-100 ms for the plugin run directly). buildx run directly is buildx standalone, which
// reads the same DOCKER_CONFIG, contexts and builder store.
// The CLI's search order (docker/cli cli-plugins/manager getPluginDirs): config.json's
// cliPluginsExtraDirs, then <config dir>/cli-plugins, then the system directories.

const SYSTEM_PLUGIN_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins'
]

export function pluginDirs(env: NodeJS.ProcessEnv, home: string): string[] {
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker')
  let extra: string[] = []
  try {
    const config = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { cliPluginsExtraDirs?: unknown }
    if (Array.isArray(config.cliPluginsExtraDirs)) extra = config.cliPluginsExtraDirs.filter((d): d is string => typeof d === 'string')
  } catch {
    // No config.json, or not JSON: the CLI then has no extra directories either.
  }
  return [...extra, path.join(configDir, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS]
}

/** `dir/name` when it is an executable file; undefined otherwise (not there, or not executable: the CLI and a shell skip it). */
function executable(dir: string, name: string): string | undefined {
  const file = path.join(dir, name)
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile() ? file : undefined
  } catch {
    return undefined
  }
}

/** The first executable docker-buildx in the CLI's order; undefined: leave it to `docker buildx`. */
export function buildxPlugin(env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (process.platform === 'win32') return undefined
  for (const dir of pluginDirs(env, home)) {
    const file = executable(dir, 'docker-buildx')
    if (file) return file
  }
  return undefined
}

/** The first executable `name` in PATH's directories, as a shell finds it (`name.exe` on Windows); undefined when there is none. */
export function onPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const file = platform === 'win32' ? `${name}.exe` : name
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const found = dir === '' ? undefined : executable(dir, file)
    if (found) return found
  }
  return undefined
}

/** How to start buildx: a program and the arguments before buildx's own. */
export interface BuildxCommand {
  command: string
  prefix: string[]
  /** buildx standalone: there is no docker CLI on PATH */
  standalone: boolean
}

/**
 * How buildx is run, as docker/actions-toolkit decides it (buildx/buildx.ts isStandalone:
 * standalone when `docker` is not on PATH, and then `buildx` from PATH): with a docker
 * CLI, its plugin run directly where it can be found (above), else `docker buildx`; without
 * one, `buildx` on PATH, which later steps (docker/build-push-action) run too, or else a
 * plugin binary in the CLI's directories (it is the same program). A runner inside
 * Kubernetes without docker-in-docker has no docker CLI: the kubernetes and remote drivers
 * need none.
 */
export function buildxCommand(env: NodeJS.ProcessEnv, home: string, findPlugin = buildxPlugin): BuildxCommand {
  if (onPath('docker', env) === undefined) {
    return { command: onPath('buildx', env) ?? findPlugin(env, home) ?? 'buildx', prefix: [], standalone: true }
  }
  const plugin = findPlugin(env, home)
  return plugin ? { command: plugin, prefix: [], standalone: false } : { command: 'docker', prefix: ['buildx'], standalone: false }
}
