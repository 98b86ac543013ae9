import { CONTAINER_CONFIG_FILE } from '../config/paths.js'
import { lastLine, type RunResult } from '../runner/exec.js'

// What verification reads next to a daemon (a builder container, a kubernetes pod): one exec
// of READ_BACK_SCRIPT reads the config, hashes the copied files and asks the daemon for its
// workers; each part ends with a marker and its exit code, so one failing part does not hide
// the others (the markers keep the name @@observe, which the captured kubernetes fixtures
// hold). Pure apart from the script's text: the drivers run it.

export const READ_BACK_SCRIPT = `
cat ${CONTAINER_CONFIG_FILE}; echo "@@observe config $?"
if [ $# -gt 0 ]; then sha256sum "$@"; echo "@@observe sha256 $?"; else echo "@@observe sha256 0"; fi
buildctl debug workers --format '{{json .}}'; echo "@@observe workers $?"
`

/** What verification reads from a running daemon, each part or why it could not be read. */
export interface ReadBackParts {
  /** `buildctl debug workers --format '{{json .}}'` */
  workers: { text: string } | { error: string }
  readBack: ReadBack | { error: string }
}

/** The script's output split at its markers: part → text and exit code. */
export function splitReadBackOutput(stdout: string): Map<string, { text: string; rc: number }> {
  const parts = new Map<string, { text: string; rc: number }>()
  let rest = stdout
  for (const part of ['config', 'sha256', 'workers']) {
    const m = new RegExp(`^@@observe ${part} (\\d+)$`, 'm').exec(rest)
    if (!m) break
    parts.set(part, { text: rest.slice(0, m.index), rc: Number(m[1]) })
    rest = rest.slice(m.index + m[0].length + 1)
  }
  return parts
}

/**
 * The exec's result and the daemon's arguments (or why they could not be read) as
 * verification reads them; `where` names the place in messages ("the builder", "the pod").
 */
export function parseReadBack(exec: RunResult, args: { cmd: string[] } | { error: string }, files: string[], where: string): ReadBackParts {
  const parts = splitReadBackOutput(exec.stdout)
  const why = (what: string): string => `${what} failed (exit code ${exec.exitCode}): ${lastLine(exec.stderr || exec.stdout)}`
  const workers = parts.get('workers')
  const config = parts.get('config')
  const sums = parts.get('sha256')
  return {
    workers:
      workers && workers.rc === 0 ? { text: workers.text } : { error: why('asking the daemon for its workers (buildctl debug workers)') },
    readBack:
      'error' in args
        ? args
        : !config || config.rc !== 0
          ? { error: why(`reading ${CONTAINER_CONFIG_FILE} from ${where}`) }
          : {
              configText: config.text,
              cmd: args.cmd,
              // sha256sum exits non-zero when a file is missing; what it printed still counts.
              sha256Text: files.length > 0 ? sums?.text : undefined
            }
  }
}

export interface ReadBack {
  configText: string
  /** docker inspect .Config.Cmd of the container: the daemon's arguments */
  cmd: string[]
  /** sha256sum of the expected files, or undefined when there are none */
  sha256Text?: string
}
