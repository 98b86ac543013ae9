import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/index'
import ts from 'typescript'
import { parse as parseYaml } from 'yaml'
import { getInputs } from '../../src/drivers/read-inputs.js'

// action.yml and the workflows can't run here: check them with GitHub's own parser
// (@actions/workflow-parser, the schema the runner and the VS Code extension use), and
// check that action.yml, the code and the README agree on every input and output.
const root = path.join(import.meta.dirname, '..', '..')
const read = (p: string): string => fs.readFileSync(path.join(root, p), 'utf8')
const errorsOf = (r: { context: { errors: { getErrors(): { message: string }[] } } }): string[] =>
  r.context.errors.getErrors().map(e => e.message)

interface ActionYml {
  description: string
  branding?: { icon: string; color: string }
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, unknown>
  runs: { using: string; main: string; post: string }
}
const action = parseYaml(read('action.yml')) as ActionYml

describe('action.yml', () => {
  test('is valid for the runner', () => {
    expect(errorsOf(parseAction({ name: 'action.yml', content: read('action.yml') }, new NoOperationTraceWriter()))).toEqual([])
  })

  test('a description the Marketplace shows whole (under 125 characters), and branding', () => {
    expect(action.description.length).toBeLessThan(125)
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })

  test('every input states its default: declared, or in words where declaring it would hide whether it was set', () => {
    const silent = Object.entries(action.inputs)
      .filter(([, i]) => i.default === undefined && !/\bDefault\b/.test(i.description))
      .map(([name]) => name)
    expect(silent).toEqual([])
  })

  test('runs on node24: main dist/index.js, post its own bundle dist/post/index.js', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js' })
  })

  // A saving of #24 (docs/performance.md): post's bundle holds the teardown, not main's steps
  // (inputs, planning, verification, CNI, install): ~10 ms less of every post step's start.
  test("post's bundle is post's own: none of main's steps in it, and a bundle of one file", () => {
    const post = read('dist/post/index.js')
    expect(post).toContain('Remove the builder and the files of this run')
    const mainOnly = ['Read and check inputs', 'Render buildkitd.toml', 'Verify the builder', 'Prepare CNI networking', 'Install buildx ']
    for (const s of mainOnly) expect(read('dist/index.js')).toContain(s)
    expect(mainOnly.filter(s => post.includes(s))).toEqual([])
    expect(fs.readdirSync(path.join(root, 'dist', 'post')).filter(f => f.endsWith('.js'))).toEqual(['index.js'])
  })

  test('declares exactly the inputs the code reads', () => {
    const read = new Set<string>()
    getInputs(name => (read.add(name), ''))
    expect(Object.keys(action.inputs).sort()).toEqual([...read].sort())
  })

  test('declares exactly the outputs the code sets', () => {
    const src = (fs.readdirSync(path.join(root, 'src'), { recursive: true }) as string[])
      .filter(f => f.endsWith('.ts'))
      .map(f => read(`src/${f}`))
      .join('\n')
    const set = [...src.matchAll(/log\.setOutput\('([a-z-]+)'/g)].map(m => m[1])
    expect(Object.keys(action.outputs).sort()).toEqual([...new Set(set)].sort())
  })

  test('every input and output is in the README tables', () => {
    const readme = read('README.md')
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'))
    }
  })
})

/**
 * The fields of each JSON output, as the code sets them: the type of the value given to
 * JSON.stringify in report.ts's log.setOutput calls, read with TypeScript's checker (so a
 * field added to Pull, NodeOutput or any type they use counts at once); an object-typed
 * field's own fields count too (nodes[].image's ref, source, digest).
 */
function jsonOutputFields(): Record<string, string[]> {
  const file = path.join(root, 'src', 'verify', 'report.ts')
  const program = ts.createProgram([file], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: ['node']
  })
  const checker = program.getTypeChecker()
  const sf = program.getSourceFile(file)
  if (!sf) throw new Error(`${file} is not in the program`)
  const fields = (t: ts.Type, at: ts.Node): string[] => {
    if (t.isUnion()) return [...new Set(t.types.flatMap(m => fields(m, at)))]
    if (checker.isArrayType(t)) return fields(checker.getTypeArguments(t as ts.TypeReference)[0], at)
    if (!(t.flags & ts.TypeFlags.Object)) return []
    return checker
      .getPropertiesOfType(t)
      .flatMap(p => [p.name, ...fields(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, at)), at)])
  }
  const out: Record<string, string[]> = {}
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.getText(sf) === 'log.setOutput' && ts.isStringLiteral(n.arguments[0])) {
      const value = n.arguments[1]
      if (ts.isCallExpression(value) && value.expression.getText(sf) === 'JSON.stringify') {
        out[n.arguments[0].text] = fields(checker.getTypeAtLocation(value.arguments[0]), value).sort()
      }
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return out
}

/** The field names a description lists between braces, `{a, b (x, y), c {d, e}}` → a, b, c, d, e; (…) are remarks. */
function bracedFields(text: string): string[] {
  const lists = [...text.replace(/\([^()]*\)/g, '').matchAll(/\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g)].map(m => m[1])
  return [...new Set(lists.flatMap(l => l.split(/[\s,{}]+/)).filter(f => f !== ''))].sort()
}

describe('the JSON outputs: every field in action.yml and the README', () => {
  const code = jsonOutputFields()

  test('report.ts sets nodes, pulls and registries as JSON, with the fields their types have', () => {
    expect(Object.keys(code).sort()).toEqual(['nodes', 'pulls', 'registries'])
    // A few known fields, so that a checker that found nothing can't pass the tests below.
    expect(code.pulls).toEqual(expect.arrayContaining(['ref', 'via_mirror', 'node']))
    expect(code.nodes).toEqual(expect.arrayContaining(['driver-opts', 'verified', 'image', 'digest']))
  })

  test.each(['nodes', 'pulls', 'registries'])("action.yml's description of %s lists exactly the fields the code sets", name => {
    const { description } = action.outputs[name] as { description: string }
    expect(bracedFields(description)).toEqual(code[name])
  })

  test.each(['nodes', 'pulls', 'registries'])("the README's row of %s names every field the code sets, in code spans", name => {
    const row = read('README.md')
      .split('\n')
      .find(l => l.startsWith(`| \`${name}\` |`))
    // Named in code spans: `field`, or within `{a, b, c}`.
    const spans = [...(row ?? '').matchAll(/`([^`]+)`/g)].map(m => m[1])
    const named = new Set([...spans, ...bracedFields(spans.join(' '))])
    expect(code[name].filter(f => !named.has(f))).toEqual([])
  })
})

describe('workflows', () => {
  const dir = path.join(root, '.github', 'workflows')
  const files = fs.readdirSync(dir).filter(f => /\.ya?ml$/.test(f))

  test('there are workflows', () => expect(files.length).toBeGreaterThan(0))

  test.each(files)('%s is valid', file => {
    const content = fs.readFileSync(path.join(dir, file), 'utf8')
    expect(errorsOf(parseWorkflow({ name: file, content }, new NoOperationTraceWriter()))).toEqual([])
  })

  test.each(files)('%s runs this action only as ./ and pins other actions to a version', file => {
    const content = fs.readFileSync(path.join(dir, file), 'utf8')
    for (const m of content.matchAll(/uses:\s*(\S+)/g)) {
      expect(m[1]).toMatch(/^(\.\/|[\w-]+\/[\w.-]+@v\d+)/)
    }
  })
})
