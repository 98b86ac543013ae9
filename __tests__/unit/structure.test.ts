import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'

// Rules of the code's shape that keep later changes safe: text leaves only through the
// redacting log, processes start only in the exec seam, and modules import no circle.
const src = path.join(import.meta.dirname, '..', '..', 'src')
const modules = (fs.readdirSync(src, { recursive: true }) as string[]).filter(f => f.endsWith('.ts'))
const text = (f: string): string => fs.readFileSync(path.join(src, f), 'utf8')

describe('structure of src/', () => {
  test('only log.ts writes to the log, outputs or summary (everything else goes through its redaction)', () => {
    const writers = modules.filter(
      f =>
        f !== 'log.ts' && /\bcore\.(info|warning|notice|error|debug|setOutput|setFailed|summary|group|startGroup|endGroup)\b/.test(text(f))
    )
    expect(writers).toEqual([])
  })

  test('only log.ts writes workflow commands (commands.ts); the others only read inputs and state, save state or mask', () => {
    const imports = (f: string): string[] =>
      [...text(f).matchAll(/^import \{([^}]*)\} from '\.{1,2}\/commands\.js'/gm)].flatMap(m => m[1].split(',').map(x => x.trim()))
    const allowed = new Set(['getInput', 'getState', 'saveState', 'setSecret'])
    const offenders = modules.filter(f => f !== 'log.ts' && imports(f).some(name => !allowed.has(name)))
    expect(offenders).toEqual([])
    // A namespace import hides what is used: only log.ts takes one.
    const namespace = modules.filter(f => /^import \* as \w+ from '\.{1,2}\/commands\.js'/m.test(text(f)))
    expect(namespace).toEqual(['log.ts'])
    const stdout = modules.filter(f => f !== 'commands.ts' && /process\.stdout\.write/.test(text(f)))
    expect(stdout).toEqual([])
  })

  test('only exec.ts starts processes', () => {
    const starters = modules.filter(
      f =>
        f !== 'exec.ts' && /from '(node:)?child_process'|(import|getBuiltinModule)\('(node:)?child_process'\)|@actions\/exec/.test(text(f))
    )
    expect(starters).toEqual([])
  })

  test('no import circles (type-only imports aside)', () => {
    const graph = new Map<string, string[]>()
    for (const f of modules) {
      const deps = [...text(f).matchAll(/^import (?!type )[^'"]*from '(\.{1,2}\/[\w/-]+)\.js'/gm)].map(m =>
        path.join(path.dirname(f), `${m[1]}.ts`)
      )
      graph.set(f, deps)
    }
    const circles: string[] = []
    const visit = (f: string, trail: string[]): void => {
      if (trail.includes(f)) {
        circles.push([...trail.slice(trail.indexOf(f)), f].join(' → '))
        return
      }
      for (const d of graph.get(f) ?? []) visit(d, [...trail, f])
    }
    for (const f of modules) visit(f, [])
    expect([...new Set(circles)]).toEqual([])
  })
})
