import { afterEach, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { newRun, runMain, runPost } from '../../scripts/runner.mjs'
import { afterTest, cleanUpTests, containerOf, describeDocker, docker, driverOpts, errors, uniqueName } from './docker-env.js'

// What keeps the action's own cost down (docs/performance.md), held on the real engine and
// buildx: each saving is a fact a test can check, not a time. Timings are the bench's job.
jest.setTimeout(180_000)

afterEach(cleanUpTests)

/**
 * A DOCKER_CONFIG of the test's own whose config.json puts a buildx shim first (the docker
 * CLI's cliPluginsExtraDirs, where the action finds buildx too): the shim writes each start's
 * arguments to `starts`, then runs the real plugin. buildx keeps its builder records under
 * this directory (buildx/instances/<name>).
 */
function buildxShim(): { env: Record<string, string>; starts: () => string[]; record: (name: string) => boolean; dispose: () => void } {
  const real = (
    JSON.parse(docker(['info', '--format', '{{json .ClientInfo.Plugins}}']).stdout || '[]') as { Name: string; Path: string }[]
  ).find(p => p.Name === 'buildx')?.Path
  if (!real) throw new Error('docker info names no buildx plugin')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speed-'))
  const config = path.join(dir, 'config')
  const plugins = path.join(dir, 'plugins')
  const log = path.join(dir, 'starts')
  fs.mkdirSync(config)
  fs.mkdirSync(plugins)
  fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [plugins] }))
  fs.writeFileSync(path.join(plugins, 'docker-buildx'), `#!/bin/sh\necho "$*" >> "${log}"\nexec "${real}" "$@"\n`, { mode: 0o755 })
  return {
    env: { DOCKER_CONFIG: config },
    starts: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    record: name => fs.existsSync(path.join(config, 'buildx', 'instances', name)),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true })
  }
}

describeDocker('what keeps the action fast, on the real engine', () => {
  // The builder's container and volume go through the Engine API while buildx, started once,
  // removes only its record (docker/cli.ts removeDaemonBuilder): buildx rm would stop the
  // daemon gracefully and remove container and volume in turn.
  test.each([
    ['the state goes too', {}, ['rm', '--keep-daemon'], []],
    ['keep-state', { 'keep-state': 'true' }, ['rm', '--keep-state', '--keep-daemon'], ['volume']]
  ] as [string, Record<string, string>, string[], string[]][])(
    'post on a local engine, %s: one buildx process, for the record only; nothing of the builder left',
    async (_t, extra, args, left) => {
      const name = uniqueName('post-api')
      const shim = buildxShim()
      const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts(), ...extra }, env: shim.env })
      afterTest(name, run)
      try {
        const main = await runMain(run)
        expect(errors(main.stdout)).toEqual([])
        expect(shim.record(name)).toBe(true)
        const before = shim.starts().length
        const post = await runPost(run)
        expect(post.exitCode).toBe(0)
        expect(shim.starts().slice(before)).toEqual([[...args, name].join(' ')])
        expect(post.stdout).toContain(`${containerOf(name)} removed through the Engine API`)
        expect(shim.record(name)).toBe(false)
        const there = [
          docker(['container', 'inspect', containerOf(name)]).status === 0 ? 'container' : '',
          docker(['volume', 'inspect', `${containerOf(name)}_state`]).status === 0 ? 'volume' : ''
        ]
        expect(there.filter(Boolean)).toEqual(left)
      } finally {
        docker(['volume', 'rm', '-f', `${containerOf(name)}_state`])
        shim.dispose()
      }
    }
  )

  test('post through a docker context (not a local socket for the CLI): buildx rm as before, nothing left', async () => {
    const name = uniqueName('post-ctx')
    const shim = buildxShim()
    const context = `${name}-ctx`
    const host = docker(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}', 'default']).stdout.trim()
    const made = docker(['--config', shim.env.DOCKER_CONFIG, 'context', 'create', context, '--docker', `host=${host}`])
    expect(made.status).toBe(0)
    const run = newRun({ inputs: { name, use: 'false', 'driver-opts': driverOpts() }, env: { ...shim.env, DOCKER_CONTEXT: context } })
    afterTest(name, run)
    try {
      expect(errors((await runMain(run)).stdout)).toEqual([])
      const before = shim.starts().length
      expect((await runPost(run)).exitCode).toBe(0)
      expect(shim.starts().slice(before)).toEqual([`rm ${name}`])
      expect(shim.record(name)).toBe(false)
      expect(docker(['container', 'inspect', containerOf(name)]).status).not.toBe(0)
      expect(docker(['volume', 'inspect', `${containerOf(name)}_state`]).status).not.toBe(0)
    } finally {
      docker(['rm', '-f', containerOf(name)])
      docker(['volume', 'rm', '-f', `${containerOf(name)}_state`])
      shim.dispose()
    }
  })
})
