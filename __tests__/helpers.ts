import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { expect } from '@jest/globals'
import { parseCommandFile } from '../scripts/runner.mjs'

export const fixturesDir = path.join(import.meta.dirname, 'fixtures', 'buildkit')
export const pkiDir = path.join(fixturesDir, 'test-pki')

/** A real capture of buildx/BuildKit output (see fixtures/buildkit/README.md). */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(fixturesDir, name), 'utf8')
}

export function pki(name: 'ca.pem' | 'client.crt' | 'client.key'): string {
  return fs.readFileSync(path.join(pkiDir, name), 'utf8')
}

/**
 * Compares text with a golden file under __tests__/golden. UPDATE_GOLDEN=1 rewrites the
 * file instead (review the diff before committing it).
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(import.meta.dirname, 'golden', name)
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, actual)
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'))
}

/**
 * The runner's files for main and post run in this process (unit tests of the steps), in one
 * directory for the whole test file: core's summary keeps the first GITHUB_STEP_SUMMARY path.
 * `reset` empties them and RUNNER_TEMP and points the runner's variables at them, with `env`.
 */
export function stepFiles(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const temp = path.join(dir, 'temp')
  const files = { output: path.join(dir, 'out'), state: path.join(dir, 'state'), summary: path.join(dir, 'summary') }
  return {
    dir,
    files,
    reset(env: Record<string, string>): void {
      for (const f of Object.values(files)) fs.writeFileSync(f, '')
      fs.rmSync(temp, { recursive: true, force: true })
      fs.mkdirSync(temp)
      Object.assign(process.env, {
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_STEP_SUMMARY: files.summary,
        ...env
      })
    },
    outputs: () => parseCommandFile(fs.readFileSync(files.output, 'utf8')),
    state: () => parseCommandFile(fs.readFileSync(files.state, 'utf8')),
    runDirs: () => fs.readdirSync(temp),
    remove: () => fs.rmSync(dir, { recursive: true, force: true })
  }
}
