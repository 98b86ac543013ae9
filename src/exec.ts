import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import { redact } from './redact.js'

// The one place that starts processes. Output is always captured (`silent`), never
// streamed raw: what is shown goes through redact() line by line, because docker and
// buildx print file contents and daemon logs that may hold key material.
export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Show the command and its output in the log (redacted). Default: false, a probe. */
  show?: boolean
  input?: Buffer
  env?: Record<string, string>
}

export async function run(
  command: string,
  args: string[],
  options: RunOptions = {}
): Promise<RunResult> {
  const show = options.show ?? false
  if (show) core.info(redact(`$ ${[command, ...args].map(quoteArg).join(' ')}`))
  const printLine = (line: string): void => core.info(redact(line))
  try {
    const out = await getExecOutput(command, args, {
      silent: true,
      ignoreReturnCode: true,
      input: options.input,
      env: options.env,
      listeners: show ? { stdline: printLine, errline: printLine } : undefined
    })
    return { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr }
  } catch (err) {
    // getExecOutput throws when the program can't be started at all (not on PATH).
    throw new Error(
      `could not run ${command}: ${err instanceof Error ? err.message : String(err)}. ` +
        `Is ${command} installed and on PATH?`
    )
  }
}

/** run(), then throw an error naming what failed and the last meaningful stderr line. */
export async function runChecked(
  what: string,
  command: string,
  args: string[],
  options: RunOptions = {}
): Promise<RunResult> {
  const res = await run(command, args, options)
  if (res.exitCode !== 0) {
    throw new Error(`${what} failed (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`)
  }
  return res
}

export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map(l => l.trim()).filter(l => l !== '' && !/^-+$/.test(l))
  return redact(lines.length > 0 ? lines[lines.length - 1] : '(no output)')
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}
