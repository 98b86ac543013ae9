import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/index'
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
