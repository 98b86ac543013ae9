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

/** The first executable docker-buildx in the CLI's order; undefined: leave it to `docker buildx`. */
export function buildxPlugin(env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (process.platform === 'win32') return undefined
  for (const dir of pluginDirs(env, home)) {
    const file = path.join(dir, 'docker-buildx')
    try {
      fs.accessSync(file, fs.constants.X_OK)
      if (fs.statSync(file).isFile()) return file
    } catch {
      // Not there, or not executable: the CLI skips it too.
    }
  }
  return undefined
}
