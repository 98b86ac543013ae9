// ESM + ts-jest, as actions/setup-node does: run with `node --experimental-vm-modules`.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// `npx jest` (what a JavaScript developer types first) starts jest without
// --experimental-vm-modules, which these ESM tests need (jest.unstable_mockModule): then the
// unit tests are run again with it, and it says how to run the integration tests.
const vmModules =
  process.execArgv.includes('--experimental-vm-modules') || (process.env.NODE_OPTIONS ?? '').includes('--experimental-vm-modules')
if (!vmModules && process.env.JEST_WORKER_ID === undefined) {
  const jest = fileURLToPath(new URL('./node_modules/jest/bin/jest.js', import.meta.url))
  const args = process.argv.slice(2)
  console.log('jest needs `node --experimental-vm-modules` in this project (ESM): running the unit tests with it (npm run test:unit).')
  const r = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', jest, ...args, ...(args.includes('--selectProjects') ? [] : ['--selectProjects', 'unit'])],
    {
      stdio: 'inherit'
    }
  )
  console.log(
    'Unit tests only. The integration tests run the action against the local Docker engine: `npm test` (lint, build, unit and integration), ' +
      'or `npm run test:integration`.'
  )
  process.exit(r.status ?? 1)
}
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js'],
  // Sources import './x.js' (NodeNext); map them back to the .ts files for jest.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }] },
  clearMocks: true
}

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/__tests__/unit/setup.ts']
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts']
    }
  ],
  verbose: true
}
