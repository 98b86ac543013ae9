import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import { EOL } from 'node:os'
import { delimiter } from 'node:path'

// The runner's protocol, written here instead of loading @actions/core: workflow commands on
// stdout (`::name props::message`) and file commands (GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_STEP_SUMMARY), as GitHub documents them
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions) and as
// @actions/core 3 writes them (lib/command.js, file-command.js, core.js, summary.js).
// @actions/core pulls in its HTTP client on load, most of the action's start-up time for
// functions of a few lines; __tests__/unit/commands.test.ts holds every function here to
// @actions/core's own output, byte for byte. Only log.ts, state.ts and inputs read or write
// through it; nothing here redacts (log.ts does).

/** `%`, CR and LF escaped, as the runner unescapes them in a command's message. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

export function issueCommand(command: string, properties: Record<string, string>, message: string): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',')
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`)
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export const warning = (message: string): void => issueCommand('warning', {}, message)
export const notice = (message: string): void => issueCommand('notice', {}, message)
export const error = (message: string): void => issueCommand('error', {}, message)
export const setSecret = (secret: string): void => issueCommand('add-mask', {}, secret)
export const startGroup = (name: string): void => issueCommand('group', {}, name)
export const endGroup = (): void => issueCommand('endgroup', {}, '')

/** An input as the runner passes it: INPUT_<NAME>, trimmed. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim()
}

/** What main saved, as the runner gives it back to post: STATE_<name>. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

export function setOutput(name: string, value: string): void {
  keyValue('OUTPUT', 'set-output', name, value)
}

export function saveState(name: string, value: string): void {
  keyValue('STATE', 'save-state', name, value)
}

/**
 * `name<<delimiter` / value / `delimiter` appended to the runner's file, with a delimiter no
 * value can contain; the old stdout command when the runner gives no file.
 */
function keyValue(file: 'OUTPUT' | 'STATE', command: string, name: string, value: string): void {
  const path = process.env[`GITHUB_${file}`] || ''
  if (!path) {
    if (file === 'OUTPUT') process.stdout.write(EOL)
    issueCommand(command, { name }, value)
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Unexpected input: the value contains the delimiter "${delimiter}"`)
  if (!fs.existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  fs.appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' })
}

/**
 * Puts a directory first on PATH, for this process and the job's later steps (GITHUB_PATH;
 * the old `add-path` command when the runner gives no file), as @actions/core addPath does.
 */
export function addPath(dir: string): void {
  const file = process.env.GITHUB_PATH || ''
  if (file) {
    if (!fs.existsSync(file)) throw new Error(`Missing file at path: ${file}`)
    fs.appendFileSync(file, `${dir}${EOL}`, { encoding: 'utf8' })
  } else issueCommand('add-path', {}, dir)
  process.env.PATH = `${dir}${delimiter}${process.env.PATH}`
}

/** Appends to the job summary (GITHUB_STEP_SUMMARY), which must exist and be writable. */
export function appendSummary(path: string, markdown: string): void {
  try {
    fs.accessSync(path, fs.constants.R_OK | fs.constants.W_OK)
  } catch (err) {
    throw new Error(`Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`, { cause: err })
  }
  fs.appendFileSync(path, markdown + EOL, { encoding: 'utf8' })
}
