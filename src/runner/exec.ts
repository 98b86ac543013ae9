import type { ChildProcess } from 'node:child_process'
import { constants } from 'node:os'
import * as log from './log.js'
import { redact } from './redact.js'

// The one place that starts processes. Output is always captured, never streamed raw:
// what is shown goes through the redacting log line by line, because docker and buildx
// print file contents and daemon logs that may hold key material.
//
// node:child_process rather than @actions/exec: this seam must know its children, so that
// a cancelled step (SIGINT/SIGTERM from the runner) can pass the signal on to the docker
// and buildx processes it started instead of leaving them running (stopChildren).
export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Show the command and its output in the log (redacted). Default: false, a probe. */
  show?: boolean
}

const children = new Set<ChildProcess>()
let stopping: NodeJS.Signals | undefined

export async function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  if (stopping) throw new Error(`the step was cancelled (${stopping}): ${command} not started`)
  // Loaded with the first command, at once (getBuiltinModule, Node 20.16+), not with the
  // bundle: compiling node:child_process is ~9 ms of a step's start, before its first line.
  const { spawn } = process.getBuiltinModule('node:child_process')
  const show = options.show ?? false
  if (show) log.info(`$ ${[command, ...args].map(quoteArg).join(' ')}`)
  return new Promise((resolve, reject) => {
    // Its own process group, so that a signal reaches what it starts in turn (the docker CLI
    // runs buildx as a plugin process of its own).
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    children.add(child)
    let stdout = ''
    let stderr = ''
    const shown = { out: '', err: '' }
    const collect = (which: 'out' | 'err') => (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      if (which === 'out') stdout += text
      else stderr += text
      if (!show) return
      const lines = (shown[which] + text).split(/\r?\n/)
      shown[which] = lines.pop() ?? ''
      for (const l of lines) log.info(l)
    }
    child.stdout.on('data', collect('out'))
    child.stderr.on('data', collect('err'))
    child.on('error', err => {
      children.delete(child)
      reject(new Error(`could not run ${command}: ${err.message}. Is ${command} installed and on PATH?`))
    })
    child.on('close', (code, signal) => {
      children.delete(child)
      if (show) for (const rest of [shown.out, shown.err]) if (rest !== '') log.info(rest)
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0)
      resolve({ exitCode, stdout, stderr })
    })
  })
}

/** run(), then throw an error naming what failed and the last meaningful stderr line. */
export async function runChecked(what: string, command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const res = await run(command, args, options)
  if (res.exitCode !== 0) {
    throw new Error(`${what} failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`)
  }
  return res
}

/**
 * Passes a signal on to every process this step started and starts no more; resolves when
 * they have all ended (or after `graceMs`, when the rest get SIGKILL).
 */
export async function stopChildren(signal: NodeJS.Signals, graceMs = 5000): Promise<void> {
  stopping = signal
  const live = [...children]
  for (const c of live) killGroup(c, signal)
  const ended = Promise.all(
    live.map(c => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise(r => c.once('close', r))))
  )
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>(r => (timer = setTimeout(() => r('late'), graceMs)))
  if ((await Promise.race([ended, late])) === 'late') for (const c of children) killGroup(c, 'SIGKILL')
  clearTimeout(timer)
}

/**
 * A cancelled job: the runner sends SIGINT, then SIGTERM. Each step's entry point passes the
 * signal on to the docker and buildx processes it started, waits for them, and stops; the post
 * step (which runs for cancelled jobs too) removes what was created, from the run record.
 */
export function passSignalsOn(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info(`${signal}: stopping this step's child processes; the post step removes what this run created`)
      void stopChildren(signal).finally(() => process.exit(128 + constants.signals[signal]))
    })
  }
}

function killGroup(c: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (c.pid !== undefined) process.kill(-c.pid, signal)
  } catch {
    c.kill(signal) // the group is gone already, or this platform has none
  }
}

export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '' && !/^-+$/.test(l))
  return redact(lines.length > 0 ? lines[lines.length - 1] : '(no output)')
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}
