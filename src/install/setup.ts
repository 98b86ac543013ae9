import * as os from 'node:os'
import * as path from 'node:path'
import * as docker from '../docker/cli.js'
import * as log from '../runner/log.js'
import * as state from '../runner/state.js'
import { buildxVersionProblem, installedVersionProblem, type InstallRequest } from './buildx-release.js'

// The steps "Check Docker and Buildx" and "Install buildx": the engine and buildx the job
// has, and a buildx installed for the job when `version` asks for one or there is none.

/** The driver, for the oldest buildx it works with. */
type DriverVersion = { name: string; oldestBuildx?: string }

/** The engine and buildx; what to install when `version` is set or buildx is missing. */
export async function checkTools(
  asked: { install?: InstallRequest; cacheBinary: boolean },
  driver: DriverVersion,
  versions: Promise<docker.ToolVersions>
): Promise<InstallRequest | undefined> {
  const v = await versions
  const engine = v.docker === undefined ? `no Docker engine needed by the ${driver.name} driver (not asked)` : `Docker engine ${v.docker}`
  const none = v.standalone ? 'no docker CLI and no buildx on PATH' : 'no buildx plugin'
  log.info(`${engine}; ${v.buildx === undefined ? none : `${v.buildx}${v.standalone ? ' (standalone: no docker CLI on PATH)' : ''}`}`)
  if (asked.install) return asked.install
  if (v.buildx === undefined) {
    // As docker/setup-buildx-action does when the runner has no buildx.
    log.info(
      `${v.standalone ? 'there is no buildx' : 'the docker CLI has no buildx'}: the latest release is installed for this job (set version to pin one)`
    )
    return { version: 'latest', cacheBinary: asked.cacheBinary }
  }
  const problem = buildxVersionProblem(v.buildx, driver)
  if (problem) throw new Error(problem)
  return undefined
}

/**
 * Installs buildx for the job: as the docker CLI's plugin (post puts back what was there), or,
 * on a runner without a docker CLI, standalone in the run's directory, put on PATH for this
 * step and the job's later ones (GITHUB_PATH), as docker/setup-buildx-action does there
 * (actions-toolkit buildx/install.ts installStandalone); post removes it with the directory.
 */
export async function installBuildx(req: InstallRequest, runDir: string, driver: DriverVersion, standalone = false): Promise<void> {
  // Loaded only here: the tool cache and the Actions cache client are most of the bundle.
  const { installBuildx: install } = await import('./install.js')
  const standaloneDir = standalone ? path.join(runDir, 'buildx-standalone') : undefined
  const host = { env: process.env, home: os.homedir(), runDir, platform: process.platform, arch: process.arch, standaloneDir }
  const done = await install(req, host)
  if (standaloneDir) {
    log.addPath(standaloneDir)
    log.info(`no docker CLI on PATH: buildx is installed standalone and ${standaloneDir} is put first on PATH for this job`)
  } else {
    // Recorded before the check, so that any failure from here on puts the old plugin back.
    state.update({ plugin: JSON.stringify({ pluginPath: done.pluginPath, backupPath: done.backupPath, sha256: done.sha256 }) })
  }
  log.info(
    `buildx ${done.version} installed at ${done.pluginPath} (from the ${done.source === 'download' ? 'release download' : done.source}, SHA-256 ${done.sha256})`
  )
  const printed = await docker.buildxVersion()
  const problem = installedVersionProblem(printed, done.version, done.pluginPath) ?? buildxVersionProblem(printed, driver)
  if (problem) throw new Error(problem)
}
