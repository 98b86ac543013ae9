// Runs the built action the way a GitHub runner does: main, then post (action.yml's
// runs.main and runs.post: dist/index.js, dist/post/index.js), as separate processes, with INPUT_* (defaults from action.yml filled in), RUNNER_TEMP,
// GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files, and STATE_* handed from main
// to post. Used by the integration tests and by `npm run local`.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Input defaults of action.yml (its inputs section is plain `name:` / `default:` lines). */
export function actionDefaults(file = path.join(root, 'action.yml')) {
  return actionInputs(file).defaults
}

/** The input names of action.yml and their defaults. */
export function actionInputs(file = path.join(root, 'action.yml')) {
  const defaults = {}
  const names = []
  let inInputs = false
  let current
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^\S/.test(line)) inInputs = line.startsWith('inputs:')
    if (!inInputs) continue
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line)
    if (name) names.push((current = name[1]))
    const def = /^ {4}default:\s*(.*)$/.exec(line)
    if (def && current) defaults[current] = def[1].replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1')
  }
  return { names, defaults }
}

/** The script a step runs, as action.yml's runs section names it (`main` or `post`). */
export function actionScript(step, file = path.join(root, 'action.yml')) {
  const m = new RegExp(`^ {2}${step}:\\s*(\\S+)\\s*$`, 'm').exec(fs.readFileSync(file, 'utf8').split(/^runs:\s*$/m)[1] ?? '')
  if (!m) throw new Error(`action.yml names no runs.${step}`)
  return path.join(root, m[1])
}

/**
 * What a runner shows of a step's stdout: workflow commands are consumed (::add-mask::
 * registers a secret and is never shown; ::group:: becomes a fold), the rest as it is.
 */
export function asShown(line) {
  const m = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
  if (!m) return line
  const text = m[2].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  switch (m[1]) {
    case 'add-mask':
    case 'endgroup':
    case 'debug':
      return undefined
    case 'group':
      return `▶ ${text}`
    case 'error':
    case 'warning':
    case 'notice':
      return `${m[1][0].toUpperCase()}${m[1].slice(1)}: ${text}`
    default:
      return line
  }
}

/** Parses the `name<<DELIM\nvalue\nDELIM` records of GITHUB_OUTPUT and GITHUB_STATE. */
export function parseCommandFile(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const value = []
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
      out[m[1]] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=')
      out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1)
    }
  }
  return out
}

function runNode(step, env, { echo, cwd }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [actionScript(step)], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    let pending = ''
    child.stdout.on('data', d => {
      stdout += d
      if (!echo) return
      const lines = (pending + d).split('\n')
      pending = lines.pop() ?? ''
      for (const l of lines) {
        const shown = asShown(l)
        if (shown !== undefined) process.stdout.write(`${shown}\n`)
      }
    })
    child.stderr.on('data', d => {
      stderr += d
      if (echo) process.stderr.write(d)
    })
    child.on('error', reject)
    child.on('close', code => resolve({ exitCode: code ?? 1, stdout, stderr }))
  })
}

/**
 * Prepares a simulated runner for one action step: its temp dir, command files and the
 * environment main and post get. `inputs` uses the action's input names; `env` is added to
 * the environment of both steps (e.g. secrets passed as env vars).
 */
export function newRun({ inputs = {}, env = {}, runnerTemp, workspace } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'))
  const temp = runnerTemp ?? path.join(work, 'temp')
  fs.mkdirSync(temp, { recursive: true })
  const files = {
    output: path.join(work, 'output'),
    state: path.join(work, 'state'),
    summary: path.join(work, 'summary.md')
  }
  for (const f of Object.values(files)) fs.writeFileSync(f, '')

  const base = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_')) base[k] = v
  }
  const all = { ...actionDefaults(), ...inputs }
  for (const [name, value] of Object.entries(all)) base[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value)
  Object.assign(base, {
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: path.join(work, 'toolcache'),
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ACTIONS: 'true',
    ...(workspace ? { GITHUB_WORKSPACE: workspace } : {}),
    ...env
  })
  // A runner starts a JavaScript action in the workspace: relative paths are relative to it.
  return { env: base, files, work, runnerTemp: temp, cwd: workspace }
}

/** The main step: `node dist/index.js` with the run's environment. */
export function runMain(run, { echo = false } = {}) {
  return runNode('main', run.env, { echo, cwd: run.cwd })
}

/** The post step, with STATE_* from what main saved. */
export function runPost(run, { echo = false } = {}) {
  const env = { ...run.env }
  for (const [k, v] of Object.entries(readState(run))) env[`STATE_${k}`] = v
  return runNode('post', env, { echo, cwd: run.cwd })
}

export const readOutputs = run => parseCommandFile(fs.readFileSync(run.files.output, 'utf8'))
export const readState = run => parseCommandFile(fs.readFileSync(run.files.state, 'utf8'))
export const readSummary = run => fs.readFileSync(run.files.summary, 'utf8')

/** Removes the simulated runner's own directories (not the action's: that is the test). */
export function disposeRun(run) {
  fs.rmSync(run.work, { recursive: true, force: true })
}
