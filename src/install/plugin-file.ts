import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

// The buildx plugin file a `version` install put in place, and putting back what was there
// before: plain file operations, in a module of their own so that the post step's bundle
// (dist/post/) does not carry the install's downloads, tool cache and Actions cache client.

/**
 * Puts back the plugin that was there before installBuildx (or removes the one it installed
 * when there was none), and says what it did. Safe to call again: what was done already is
 * reported, not repeated. With `sha256`, a plugin some later step put in place of ours is
 * left alone rather than removed.
 */
export function restorePlugin(installed: { pluginPath: string; backupPath?: string; sha256?: string }): string {
  const { pluginPath, backupPath } = installed
  if (backupPath !== undefined) {
    const kind = lstatKind(backupPath)
    if (kind === undefined)
      return `the buildx plugin that was at ${pluginPath} before this run is already back (no backup left at ${backupPath})`
    if (kind === 'link') place(pluginPath, staged => fs.symlinkSync(fs.readlinkSync(backupPath), staged))
    else place(pluginPath, staged => fs.copyFileSync(backupPath, staged))
    fs.rmSync(backupPath, { force: true })
    return `put back the buildx plugin that was at ${pluginPath} before this run`
  }
  if (lstatKind(pluginPath) === undefined) return `the buildx plugin this run installed at ${pluginPath} is already removed`
  if (installed.sha256 !== undefined && createHash('sha256').update(fs.readFileSync(pluginPath)).digest('hex') !== installed.sha256) {
    return `left ${pluginPath} alone: it is no longer the buildx this run installed (another step replaced it)`
  }
  fs.rmSync(pluginPath, { force: true })
  return `removed the buildx plugin this run installed at ${pluginPath} (there was none before)`
}

/** A name in the plugin directory the docker CLI never takes for a plugin (no docker- prefix). */
export function stagingName(target: string): string {
  return path.join(path.dirname(target), `.buildkit-builder-${randomBytes(6).toString('hex')}.tmp`)
}

/** Puts a file at `target` in one step: `write` makes it under a staging name, which is renamed over `target`. */
function place(target: string, write: (staged: string) => void): void {
  const staged = stagingName(target)
  try {
    write(staged)
    fs.renameSync(staged, target)
  } finally {
    fs.rmSync(staged, { force: true })
  }
}

export function lstatKind(p: string): 'file' | 'link' | 'other' | undefined {
  try {
    const st = fs.lstatSync(p)
    return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other'
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
