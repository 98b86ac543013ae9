import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { removeDaemonBuilder } from '../../../src/docker/cli.js'

// removeDaemonBuilder's outcome, each way it can go, with a fake engine on a unix socket and a
// fake buildx plugin (the docker CLI's cliPluginsExtraDirs, where the action finds buildx): the
// containers go through the Engine API, buildx removes the record, and the outcome is read from
// the record. The real engine and buildx: __tests__/integration/speed.test.ts.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-daemon-'))
const socket = path.join(dir, 'engine.sock')
const config = path.join(dir, 'config')
// buildx's record where the action reads it: unit tests have a BUILDX_CONFIG of their own (setup.ts).
const record = path.join(process.env.BUILDX_CONFIG ?? path.join(config, 'buildx'), 'instances', 'b1')
const plugins = path.join(dir, 'plugins')
/** What the fake engine answers to DELETE /containers/…, and what it was asked. */
let containerStatus = 204
const asked: string[] = []
let server: http.Server
const saved = { ...process.env }

beforeAll(async () => {
  fs.mkdirSync(path.dirname(record), { recursive: true })
  fs.mkdirSync(plugins)
  fs.mkdirSync(config, { recursive: true })
  fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [plugins] }))
  server = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`)
    if (req.method === 'DELETE' && req.url?.startsWith('/containers/') && containerStatus !== 204) {
      res
        .writeHead(containerStatus, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ message: 'driver failed removing root fs' }))
    } else res.writeHead(204).end()
  })
  await new Promise<void>(r => server.listen(socket, r))
})
afterAll(async () => {
  await new Promise(r => server.close(r))
  fs.rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  process.env = { ...saved }
  asked.length = 0
  containerStatus = 204
})

/** A buildx that writes its arguments to `args`, removes the record or not, and exits with `code`. */
function fakeBuildx(removesRecord: boolean, code: number, stderr: string): void {
  fs.writeFileSync(
    path.join(plugins, 'docker-buildx'),
    `#!/bin/sh\necho "$*" > "${dir}/args"\n${removesRecord ? `rm -f "${record}"\n` : ''}echo "${stderr}" >&2\nexit ${code}\n`,
    { mode: 0o755 }
  )
}

const node = { engine: ['--host', `unix://${socket}`], container: 'buildx_buildkit_b10', volume: 'buildx_buildkit_b10_state' }
const args = { recordArgs: ['buildx', 'rm', '--keep-daemon', 'b1'], fallbackArgs: ['buildx', 'rm', 'b1'] }

describe('removeDaemonBuilder on a local socket', () => {
  test.each([
    ['buildx removes the record and exits 0', true, 0, ''],
    // buildx v0.29-v0.32 inspect the container with --keep-daemon and may fail on one gone in
    // between, after removing the record (commands/rm.go): the record decides.
    ['buildx removes the record, then exits 1 on the container gone meanwhile', true, 1, 'failed to remove b1: No such container']
  ])('%s: removed', async (_t, removes, code, stderr) => {
    fs.writeFileSync(record, '{}')
    fakeBuildx(removes, code, stderr)
    process.env.DOCKER_CONFIG = config
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    expect(await removeDaemonBuilder('b1', [node], false, args)).toEqual({ ok: true, message: '' })
    expect(fs.readFileSync(path.join(dir, 'args'), 'utf8').trim()).toBe('rm --keep-daemon b1')
    expect(asked).toEqual(['DELETE /containers/buildx_buildkit_b10?force=1&v=1', 'DELETE /volumes/buildx_buildkit_b10_state'])
  })

  test('keep-state: the daemon is stopped first, the volume stays', async () => {
    fs.writeFileSync(record, '{}')
    fakeBuildx(true, 0, '')
    process.env.DOCKER_CONFIG = config
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    expect(
      await removeDaemonBuilder('b1', [node], true, { ...args, recordArgs: ['buildx', 'rm', '--keep-state', '--keep-daemon', 'b1'] })
    ).toEqual({
      ok: true,
      message: ''
    })
    expect(asked).toEqual(['POST /containers/buildx_buildkit_b10/stop', 'DELETE /containers/buildx_buildkit_b10?force=1&v=1'])
  })

  test("the record stays: not removed, with buildx's own words", async () => {
    fs.writeFileSync(record, '{}')
    fakeBuildx(false, 1, 'ERROR: could not lock the store')
    process.env.DOCKER_CONFIG = config
    expect(await removeDaemonBuilder('b1', [node], false, args)).toEqual({ ok: false, message: 'ERROR: could not lock the store' })
    fs.rmSync(record, { force: true })
  })

  test('a container the engine will not remove: an error naming it and how to remove it by hand', async () => {
    fs.writeFileSync(record, '{}')
    fakeBuildx(true, 0, '')
    process.env.DOCKER_CONFIG = config
    containerStatus = 500
    await expect(removeDaemonBuilder('b1', [node], false, args)).rejects.toThrow(
      'builder b1: removing container buildx_buildkit_b10: driver failed removing root fs (remove it with "docker rm -f buildx_buildkit_b10" ' +
        'and "docker volume rm buildx_buildkit_b10_state")'
    )
  })

  test('a node on a docker context: buildx rm alone, nothing asked of the socket', async () => {
    fs.writeFileSync(record, '{}')
    fakeBuildx(true, 0, '')
    process.env.DOCKER_CONFIG = config
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const onContext = { ...node, engine: ['--context', 'elsewhere'] }
    expect((await removeDaemonBuilder('b1', [node, onContext], false, args)).ok).toBe(true)
    expect(fs.readFileSync(path.join(dir, 'args'), 'utf8').trim()).toBe('rm b1')
    expect(asked).toEqual([])
  })
})
