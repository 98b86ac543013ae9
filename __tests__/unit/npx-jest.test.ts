import { expect, jest, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'

// `npx jest` (jest started without --experimental-vm-modules, which these ESM tests need):
// jest.config.js runs the unit tests with the flag and says how to run the integration tests.
jest.setTimeout(60_000)
const root = path.join(import.meta.dirname, '..', '..')

test('jest without --experimental-vm-modules runs the unit tests asked for, and says how to run the integration tests', () => {
  // A worker's JEST_WORKER_ID would make the child's config think it is a worker itself.
  const { JEST_WORKER_ID: _, NODE_OPTIONS: __, ...env } = process.env
  void _
  void __
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '__tests__/unit/plan/check-keys.test.ts'],
    {
      cwd: root,
      env,
      encoding: 'utf8'
    }
  )
  const out = `${r.stdout}${r.stderr}`
  expect(out).toContain('jest needs `node --experimental-vm-modules` in this project (ESM): running the unit tests with it')
  expect(out).toMatch(/Tests: +\d+ passed, \d+ total/)
  expect(out).toContain('`npm test` (lint, build, unit and integration)')
  expect(r.status).toBe(0)
})
