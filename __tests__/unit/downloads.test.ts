import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals'
import * as tc from '@actions/tool-cache'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { findCached } from '../../src/downloads.js'

// findCached looks in the tool cache without loading @actions/tool-cache: it must find what
// the package's own cacheDir writes, and nothing the package's find would not find.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'downloads-test-'))
const root = path.join(work, 'toolcache')
const saved = { ...process.env }
const source = path.join(work, 'source')

beforeAll(() => {
  fs.mkdirSync(root)
  fs.mkdirSync(source)
  fs.writeFileSync(path.join(source, 'tool'), 'a tool')
  Object.assign(process.env, { RUNNER_TOOL_CACHE: root, RUNNER_TEMP: path.join(work, 'temp') })
  // The package reports its lookups as ::debug:: lines on stdout.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterAll(() => {
  jest.restoreAllMocks()
  process.env = saved
  fs.rmSync(work, { recursive: true, force: true })
})

describe('findCached next to @actions/tool-cache', () => {
  test.each(['v1.9.1', '1.9.1', 'v0.30.0-rc1', 'v0.30.0-rc.1', 'v2.0.0-alpha.beta-1', 'v10.20.30'])(
    '%s: cached by the package, found where the package finds it',
    async version => {
      expect(tc.isExplicitVersion(version)).toBe(true)
      const dir = await tc.cacheDir(source, 'some-tool', version, 'amd64-abc')
      expect(findCached(root, 'some-tool', version, 'amd64-abc')).toBe(dir)
      expect(tc.find('some-tool', version, 'amd64-abc')).toBe(dir)
    }
  )

  test.each(['v1.9.2', 'v0.30.0-rc2'])('%s, never cached: not found by either', version => {
    expect(findCached(root, 'some-tool', version, 'amd64-abc')).toBe('')
    expect(tc.find('some-tool', version, 'amd64-abc')).toBe('')
  })

  test('an entry without the marker the package writes last (being written, or cut short) is not found by either', async () => {
    const dir = await tc.cacheDir(source, 'some-tool', 'v3.0.0', 'x64')
    fs.rmSync(`${dir}.complete`)
    expect(findCached(root, 'some-tool', 'v3.0.0', 'x64')).toBe('')
    expect(tc.find('some-tool', 'v3.0.0', 'x64')).toBe('')
  })

  test('another arch of the same version is not found', async () => {
    await tc.cacheDir(source, 'some-tool', 'v4.0.0', 'x64')
    expect(findCached(root, 'some-tool', 'v4.0.0', 'arm64')).toBe('')
    expect(tc.find('some-tool', 'v4.0.0', 'arm64')).toBe('')
  })

  test.each(['1.x', 'v1.2', '>=1.0.0', 'v1.2.3-01', 'v01.2.3', 'latest'])(
    '%s, which the package reads as a range or not at all: undefined (the caller asks the package)',
    version => {
      expect(tc.isExplicitVersion(version)).toBe(false)
      expect(findCached(root, 'some-tool', version, 'x64')).toBeUndefined()
    }
  )
})
