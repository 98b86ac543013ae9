import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as commands from '../../../src/runner/commands.js'

// commands.ts writes the runner's protocol itself instead of loading @actions/core (its
// start-up cost): here every function is run next to @actions/core's own, on the same
// values, and the two must write the same bytes (stdout and the runner's files), the random
// heredoc delimiters aside.
const tricky = [
  'plain',
  '',
  'two\nlines',
  'cr\r\nlf',
  '100% sure',
  'a:b,c=d',
  '::error::inside',
  '  padded  ',
  'ünïcödé ✅',
  '%0A already escaped'
]

let dir: string
let out: string[]
const saved = { ...process.env }
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commands-'))
  out = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => (out.push(String(chunk)), true))
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
  process.exitCode = undefined
  fs.rmSync(dir, { recursive: true, force: true })
})

/** What fn writes to stdout. */
function stdout(fn: () => void): string {
  out = []
  fn()
  return out.join('')
}

const sameDelimiters = (s: string): string => s.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X')

describe('commands.ts writes what @actions/core writes', () => {
  test.each(tricky)('info, warning, notice, error, add-mask, group of %j', value => {
    const pairs: [() => void, () => void][] = [
      [() => core.info(value), () => commands.info(value)],
      [() => core.warning(value), () => commands.warning(value)],
      [() => core.notice(value), () => commands.notice(value)],
      [() => core.error(value), () => commands.error(value)],
      [() => core.setSecret(value), () => commands.setSecret(value)],
      [() => core.startGroup(value), () => commands.startGroup(value)],
      [() => core.endGroup(), () => commands.endGroup()]
    ]
    for (const [theirs, ours] of pairs) expect(stdout(ours)).toBe(stdout(theirs))
  })

  test.each(tricky)("setOutput and saveState of %j, to the runner's files", value => {
    for (const [file, theirs, ours] of [
      ['OUTPUT', () => core.setOutput('the-name', value), () => commands.setOutput('the-name', value)],
      ['STATE', () => core.saveState('theName', value), () => commands.saveState('theName', value)]
    ] as const) {
      const a = path.join(dir, `${file}-core`)
      const b = path.join(dir, `${file}-ours`)
      fs.writeFileSync(a, '')
      fs.writeFileSync(b, '')
      process.env[`GITHUB_${file}`] = a
      theirs()
      process.env[`GITHUB_${file}`] = b
      ours()
      expect(sameDelimiters(fs.readFileSync(b, 'utf8'))).toBe(sameDelimiters(fs.readFileSync(a, 'utf8')))
    }
  })

  test.each(tricky)("setOutput and saveState of %j without the runner's files: the stdout commands", value => {
    delete process.env.GITHUB_OUTPUT
    delete process.env.GITHUB_STATE
    expect(stdout(() => commands.setOutput('n', value))).toBe(stdout(() => core.setOutput('n', value)))
    expect(stdout(() => commands.saveState('n', value))).toBe(stdout(() => core.saveState('n', value)))
  })

  test.each([
    ['name', '  value with spaces  '],
    ['two words', 'x'],
    ['Mixed-Case', 'y'],
    ['missing', undefined]
  ])('getInput(%j) and getState', (name, value) => {
    if (value !== undefined) process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    expect(commands.getInput(name)).toBe(core.getInput(name))
    if (value !== undefined) process.env[`STATE_${name}`] = value
    expect(commands.getState(name)).toBe(core.getState(name))
  })

  test('the job summary: appended as core.summary.addRaw(text, true).write() appends it', async () => {
    const a = path.join(dir, 'summary-core')
    const b = path.join(dir, 'summary-ours')
    for (const f of [a, b]) fs.writeFileSync(f, 'before\n')
    process.env.GITHUB_STEP_SUMMARY = a
    await core.summary.addRaw('<h2>x</h2>\n<table></table>', true).write()
    commands.appendSummary(b, '<h2>x</h2>\n<table></table>')
    expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'))
    expect(() => commands.appendSummary(path.join(dir, 'none'), 'x')).toThrow("Unable to access summary file: '")
  })

  test.each(['/opt/buildx bin', '/tmp/x:y'])(
    'addPath(%j): the GITHUB_PATH line, or the add-path command, and PATH for this process',
    dir2 => {
      const a = path.join(dir, 'path-core')
      const b = path.join(dir, 'path-ours')
      for (const f of [a, b]) fs.writeFileSync(f, '/before\n')
      process.env.PATH = '/usr/bin'
      process.env.GITHUB_PATH = a
      core.addPath(dir2)
      const theirs = process.env.PATH
      process.env.PATH = '/usr/bin'
      process.env.GITHUB_PATH = b
      commands.addPath(dir2)
      expect(process.env.PATH).toBe(theirs)
      expect(process.env.PATH).toBe(`${dir2}${path.delimiter}/usr/bin`)
      expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'))
      delete process.env.GITHUB_PATH
      expect(stdout(() => commands.addPath(dir2))).toBe(stdout(() => core.addPath(dir2)))
    }
  )

  test('a missing GITHUB_OUTPUT file is an error, as in @actions/core', () => {
    process.env.GITHUB_OUTPUT = path.join(dir, 'gone')
    expect(() => core.setOutput('a', 'b')).toThrow('Missing file at path')
    expect(() => commands.setOutput('a', 'b')).toThrow('Missing file at path')
  })
})
