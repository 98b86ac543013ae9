import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

// The run's own directory under RUNNER_TEMP: buildkitd.toml and the certificate copies.
// Everything the run writes is inside it, so post removes one directory.

const PREFIX = 'buildkit-builder-'

export function tempRoot(): string {
  return process.env.RUNNER_TEMP || os.tmpdir()
}

/**
 * A new directory only this user can read (mkdtemp makes it 0700), in RUNNER_TEMP. The
 * runner makes RUNNER_TEMP; one that is missing or not writable is an error naming it, and
 * nothing is made in its place (a directory made here would be left behind).
 */
export function createRunDir(): string {
  const root = tempRoot()
  const name = process.env.RUNNER_TEMP ? `RUNNER_TEMP (${root})` : `the temporary directory ${root}`
  if (!fs.existsSync(root)) throw new Error(`${name} does not exist; the runner sets RUNNER_TEMP to a directory it made`)
  try {
    return fs.mkdtempSync(path.join(root, PREFIX))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why =
      code === 'EROFS'
        ? 'is on a read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'is not writable by this user'
          : `can't take a new directory (${code})`
    throw new Error(`${name} ${why}: the action writes buildkitd.toml and the certificates there`, { cause: err })
  }
}

/** What to write: directories (0700), parents first, then files with their modes. */
export interface FilesToWrite {
  writesConfig: boolean
  configPath: string
  configText: string
  dirs: string[]
  files: { hostPath: string; content: Buffer; mode: number }[]
}

export function writePlanFiles(plan: FilesToWrite): void {
  for (const dir of plan.dirs) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    fs.chmodSync(dir, 0o700)
  }
  // 'wx': never write through a file or link that is already there.
  if (plan.writesConfig) fs.writeFileSync(plan.configPath, plan.configText, { mode: 0o644, flag: 'wx' })
  for (const f of plan.files) {
    fs.writeFileSync(f.hostPath, f.content, { mode: f.mode, flag: 'wx' })
    fs.chmodSync(f.hostPath, f.mode) // the umask may have taken bits; set exactly
  }
}

/**
 * Removes a run directory. Only a directory this action names (its prefix, directly under
 * a temp root) is removed, whatever the saved state says.
 */
export function removeRunDir(dir: string): boolean {
  if (dir === '' || !path.basename(dir).startsWith(PREFIX)) return false
  if (!fs.existsSync(dir)) return false
  fs.rmSync(dir, { recursive: true, force: true })
  return true
}
