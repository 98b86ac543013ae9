import * as core from './commands.js'
import { redact } from './redact.js'

// The one way out for text: log lines, annotations, outputs and the job summary. Every
// function redacts what it is given, so no caller can forget to (docker, buildx and the
// daemon print file contents and logs that may hold key material). No other module writes
// workflow commands (commands.ts); a unit test holds the code to that.

export function info(text: string): void {
  core.info(redact(text))
}

export function warning(text: string): void {
  core.warning(redact(text))
}

export function notice(text: string): void {
  core.notice(redact(text))
}

/** The step's failure: only the entry point calls this. */
export function fail(text: string): void {
  process.exitCode = 1
  core.error(redact(text))
}

export function setOutput(name: string, value: string): void {
  core.setOutput(name, redact(value))
}

/** Puts a directory first on PATH for this step and the job's later ones (a buildx installed standalone). */
export function addPath(dir: string): void {
  core.addPath(dir)
}

const steps: { name: string; ms: number }[] = []

/** A named step in its own log group; its duration is logged and kept for the summary. */
export async function group<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now()
  core.startGroup(redact(name))
  try {
    return await fn()
  } finally {
    const ms = Math.round(performance.now() - t0)
    steps.push({ name, ms })
    core.info(`(${ms} ms)`)
    core.endGroup()
  }
}

/** The steps run so far, with their durations. */
export function durations(): readonly { name: string; ms: number }[] {
  return steps
}

/** Appends to the job summary; false when the runner gives no summary file. */
export async function summary(markdown: string): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    info('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return false
  }
  core.appendSummary(process.env.GITHUB_STEP_SUMMARY, redact(markdown))
  return true
}
