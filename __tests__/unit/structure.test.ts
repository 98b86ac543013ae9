import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'

// Rules of the code's shape that no import checker can express, and that keep secrets out of
// the log: text leaves only through the redacting log, processes start only in the exec seam.
// The folders' ranks and import circles are dependency-cruiser's (.dependency-cruiser.cjs,
// run by `npm run lint`).
const src = path.join(import.meta.dirname, '..', '..', 'src')
const modules = (fs.readdirSync(src, { recursive: true }) as string[]).filter(f => f.endsWith('.ts')).map(f => f.split(path.sep).join('/'))
const text = (f: string): string => fs.readFileSync(path.join(src, f), 'utf8')
const LOG = 'runner/log.ts'
const COMMANDS = 'runner/commands.ts'
const EXEC = 'runner/exec.ts'

describe('structure of src/', () => {
  test('the modules this file names exist (so no rule below passes for a moved file)', () => {
    expect(modules).toEqual(expect.arrayContaining([LOG, COMMANDS, EXEC]))
  })

  test('only runner/log.ts writes to the log, outputs or summary (everything else goes through its redaction)', () => {
    const writers = modules.filter(
      f => f !== LOG && /\bcore\.(info|warning|notice|error|debug|setOutput|setFailed|summary|group|startGroup|endGroup)\b/.test(text(f))
    )
    expect(writers).toEqual([])
  })

  test('only runner/log.ts writes workflow commands (runner/commands.ts); the others only read inputs and state, save state or mask', () => {
    const imports = (f: string): string[] =>
      [...text(f).matchAll(/^import \{([^}]*)\} from '(?:\.{1,2}\/)+(?:runner\/)?commands\.js'/gm)].flatMap(m =>
        m[1].split(',').map(x => x.trim())
      )
    const allowed = new Set(['getInput', 'getState', 'saveState', 'setSecret'])
    const importers = modules.filter(f => imports(f).length > 0)
    // The rule has something to look at: the steps read inputs through it.
    expect(importers).toEqual(expect.arrayContaining(['main.ts', 'runner/state.ts']))
    const offenders = modules.filter(f => f !== LOG && imports(f).some(name => !allowed.has(name)))
    expect(offenders).toEqual([])
    // A namespace import hides what is used: only runner/log.ts takes one.
    const namespace = modules.filter(f => /^import \* as \w+ from '(?:\.{1,2}\/)+(?:runner\/)?commands\.js'/m.test(text(f)))
    expect(namespace).toEqual([LOG])
    const stdout = modules.filter(f => f !== COMMANDS && /process\.stdout\.write/.test(text(f)))
    expect(stdout).toEqual([])
  })

  test('only runner/exec.ts starts processes', () => {
    const starters = modules.filter(
      f => f !== EXEC && /from '(node:)?child_process'|(import|getBuiltinModule)\('(node:)?child_process'\)|@actions\/exec/.test(text(f))
    )
    expect(starters).toEqual([])
  })
})
