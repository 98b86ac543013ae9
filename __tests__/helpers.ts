import * as fs from 'node:fs'
import * as path from 'node:path'
import { expect } from '@jest/globals'

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
