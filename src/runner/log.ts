import { AsyncLocalStorage } from 'node:async_hooks'
import * as core from './commands.js'
import { redact } from './redact.js'

// The one way out for text: log lines, annotations, outputs and the job summary. Every
// function redacts what it is given, so no caller can forget to (docker, buildx and the
// daemon print file contents and logs that may hold key material). No other module writes
// workflow commands (commands.ts); a unit test holds the code to that.

export function info(text: string): void {
  out(() => core.info(redact(text)))
}

export function warning(text: string): void {
  out(() => core.warning(redact(text)))
}

export function notice(text: string): void {
  out(() => core.notice(redact(text)))
}

/** The lines of work started ahead of its step, held until the step's group opens. */
interface Held {
  lines: (() => void)[]
  shown: boolean
}
const held = new AsyncLocalStorage<Held>()

function out(write: () => void): void {
  const h = held.getStore()
  if (h === undefined || h.shown) write()
  else h.lines.push(write)
}

/**
 * Starts work now that its step shows later: its log lines are held (whatever else logs
 * meanwhile goes out as usual) and come out, in order, when `shown()` is called in the
 * step's group, which then waits for the work. An error is kept for `shown()` to throw.
 */
export function ahead<T>(work: () => Promise<T>): { shown(): Promise<T> } {
  const h: Held = { lines: [], shown: false }
  const result = held.run(h, work)
  result.catch(() => undefined) // thrown by shown(); a run that fails before that never asks
  return {
    shown() {
      h.shown = true
      for (const write of h.lines.splice(0)) write()
      return result
    }
  }
}

/** The step's failure: only the entry point calls this. */
export function fail(text: string): void {
  process.exitCode = 1
  core.error(redact(text))
}

export function setOutput(name: string, value: string): void {
  core.setOutput(name, redact(value))
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
