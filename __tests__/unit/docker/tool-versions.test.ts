import { describe, expect, jest, test } from '@jest/globals'

// toolVersions asks buildx and the engine at once, and starts buildx first: buildx's start (a Go
// binary of tens of MB) is the longer wait, and loading node:http for the engine's request
// before it would delay that start (#24, docs/performance.md).
const order: string[] = []
jest.unstable_mockModule('../../../src/runner/exec.js', () => ({
  run: jest.fn(
    async (cmd: string, args: string[]) => (
      order.push(`run ${[cmd, ...args].join(' ')}`),
      { exitCode: 0, stdout: 'github.com/docker/buildx v0.29.1 x\n', stderr: '' }
    )
  ),
  runChecked: jest.fn(async () => ({ exitCode: 0, stdout: '28.0.0\n', stderr: '' })),
  lastLine: (s: string) => s
}))
jest.unstable_mockModule('../../../src/docker/engine-api.js', () => ({
  localSocket: () => '/var/run/docker.sock',
  engineVersion: jest.fn(async () => (order.push('engine version'), '28.0.0')),
  containerCmd: jest.fn(),
  containerEnv: jest.fn(),
  containerRunning: jest.fn(),
  execIn: jest.fn(),
  imageId: jest.fn(),
  missingInImage: jest.fn(),
  removeDaemonContainer: jest.fn()
}))
const { toolVersions } = await import('../../../src/docker/cli.js')

describe('toolVersions', () => {
  test('buildx is started before the engine is asked; both answers are read', async () => {
    order.length = 0
    expect(await toolVersions(true)).toMatchObject({ docker: '28.0.0', buildx: 'github.com/docker/buildx v0.29.1 x' })
    expect(order[0]).toMatch(/^run .*buildx version$/)
    expect(order[1]).toBe('engine version')
  })

  test('a driver that needs no engine: buildx only', async () => {
    order.length = 0
    expect(await toolVersions(false)).toMatchObject({ docker: undefined, buildx: 'github.com/docker/buildx v0.29.1 x' })
    expect(order).toEqual([expect.stringMatching(/^run .*buildx version$/)])
  })
})
