import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import {
  containerCmd,
  engineVersion,
  execIn,
  imageId,
  localSocket,
  missingInImage,
  removeDaemonContainer
} from '../../src/docker/engine-api.js'
import * as os from 'node:os'
import * as dockerOps from '../../src/docker/cli.js'
import { buildkitImage, describeDocker, docker, dockerProblem, uniqueName } from './docker-env.js'

// The Engine API calls verification makes instead of starting the docker CLI, against the
// real engine, each next to the docker CLI command it replaces: the same answers.
jest.setTimeout(60_000)

const socket = localSocket([], process.env, os.homedir())
const name = uniqueName('engine-api')
// An image of this test's own (committed from its container): containers of it are this test's.
const image = `localhost/${name}:probe`
beforeAll(() => {
  if (dockerProblem || !socket) return
  const r = docker([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'none',
    '--entrypoint',
    'sh',
    buildkitImage(),
    '-c',
    'trap "exit 0" TERM; sleep 120 & wait'
  ])
  if (r.status !== 0) throw new Error(r.stderr)
  const t = docker(['commit', name, image])
  if (t.status !== 0) throw new Error(t.stderr)
})
afterAll(() => {
  if (dockerProblem) return
  docker(['rm', '-f', '-v', name]) // -v: the image's VOLUME /var/lib/buildkit is an anonymous volume
  docker(['image', 'rm', image])
})

/** A container like a builder's daemon: its state volume at /var/lib/buildkit, stopping at SIGTERM. */
function daemonLike(container: string, volume: string): ReturnType<typeof docker> {
  return docker([
    'run',
    '-d',
    '--name',
    container,
    '--network',
    'none',
    '-v',
    `${volume}:/var/lib/buildkit`,
    '--entrypoint',
    'sh',
    image,
    '-c',
    'trap "exit 0" TERM; sleep 120 & wait'
  ])
}

describeDocker('the Engine API on the local socket', () => {
  test('this engine is reached on a local socket (else the CLI is used and this file tests nothing)', () => {
    expect(socket).toBeDefined()
  })

  test('version: as docker version says', async () => {
    expect(await engineVersion(socket!)).toBe(docker(['version', '--format', '{{.Server.Version}}']).stdout.trim())
  })

  test("an image's ID: as docker image inspect says; undefined for one the engine does not have", async () => {
    for (const ref of [buildkitImage(), image]) {
      expect(await imageId(socket!, ref)).toBe(docker(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim())
    }
    expect(await imageId(socket!, `${image}-gone`)).toBeUndefined()
  })

  test("a container's command: as docker inspect says", async () => {
    expect(await containerCmd(socket!, name)).toEqual(JSON.parse(docker(['inspect', '--format', '{{json .Config.Cmd}}', name]).stdout))
  })

  test.each([
    ['both streams and an exit code', 'echo out; echo err >&2; echo out2; exit 3'],
    ['200 000 bytes on stdout (many frames)', 'i=0; while [ $i -lt 2000 ]; do printf "%099d\\n" $i; i=$((i+1)); done'],
    ['nothing at all', 'true']
  ])('exec, %s: as docker exec gives it', async (_t, script) => {
    const cli = docker(['exec', name, 'sh', '-c', script])
    const api = await execIn(socket!, name, ['sh', '-c', script])
    expect(api).toEqual({ exitCode: cli.status, stdout: cli.stdout, stderr: cli.stderr })
  })

  test('the paths an image lacks: as a container of it running test -e says, and no container is left', async () => {
    const paths = ['/usr/bin/buildctl', '/etc', '/etc/passwd', '/nonexistent', '/etc/nonexistent']
    const cli = paths.filter(p => docker(['run', '--rm', '--network', 'none', '--entrypoint', 'test', image, '-e', p]).status !== 0)
    expect(cli).toEqual(['/nonexistent', '/etc/nonexistent'])
    expect(await missingInImage(socket!, image, paths)).toEqual(cli)
    expect(docker(['ps', '-a', '--quiet', '--filter', `ancestor=${image}`]).stdout.trim()).toBe('')
  })

  test('an image that is not there: the engine says so, and nothing is left', async () => {
    await expect(missingInImage(socket!, `${image}-gone`, ['/etc'])).rejects.toThrow(/No such image/)
  })

  test("docker.ts's image checks: on the socket, and through the CLI for another context, the same answers", async () => {
    const ask = async () => ({
      id: await dockerOps.imageId(image),
      gone: await dockerOps.imageId(`${image}-gone`),
      missing: await dockerOps.missingInImageDir(image, '/usr/bin', ['buildctl', 'nonexistent', 'buildkitd'])
    })
    const onSocket = await ask()
    expect(onSocket).toEqual({ id: expect.stringMatching(/^sha256:/), gone: undefined, missing: ['nonexistent'] })
    // A context of its own on the same engine: the CLI would not use the default socket there,
    // so docker.ts takes the CLI path (docker image inspect, docker run … ls).
    const context = `${name}-ctx`
    const host = docker(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}', 'default']).stdout.trim()
    expect(docker(['context', 'create', context, '--docker', `host=${host}`]).status).toBe(0)
    const saved = process.env.DOCKER_CONTEXT
    process.env.DOCKER_CONTEXT = context
    try {
      expect(localSocket([], process.env, os.homedir())).toBeUndefined()
      expect(await ask()).toEqual(onSocket)
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONTEXT
      else process.env.DOCKER_CONTEXT = saved
      docker(['context', 'rm', '--force', context])
    }
    expect(docker(['ps', '-a', '--quiet', '--filter', `ancestor=${image}`]).stdout.trim()).toBe('')
  })

  // As buildx rm leaves it (driver/docker-container/driver.go Stop, Rm): with the state, no
  // container and no volume; with keep-state, the volume. What is not there counts as removed.
  test.each([
    ['the state goes too: the daemon killed, container and volume removed', false, []],
    ['keep-state: stopped first, the container removed, the volume kept', true, ['volume']]
  ] as [string, boolean, string[]][])('removing a daemon container, %s', async (_t, keep, left) => {
    const c = `${name}-rm-${keep ? 'keep' : 'all'}`
    const v = `${c}_state`
    expect(daemonLike(c, v).status).toBe(0)
    try {
      await removeDaemonContainer(socket!, c, v, keep)
      const there = [
        docker(['container', 'inspect', c]).status === 0 ? 'container' : '',
        docker(['volume', 'inspect', v]).status === 0 ? 'volume' : ''
      ]
      expect(there.filter(Boolean)).toEqual(left)
      // Again, with nothing (or only the volume) left: no error.
      await removeDaemonContainer(socket!, c, v, keep)
    } finally {
      docker(['rm', '-f', c])
      docker(['volume', 'rm', '-f', v])
    }
  })

  test('removing a daemon container whose volume another container uses: the engine says why, naming the volume', async () => {
    const c = `${name}-rm-busy`
    const v = `${c}_state`
    const other = `${c}-other`
    for (const n of [c, other]) {
      expect(daemonLike(n, v).status).toBe(0)
    }
    try {
      await expect(removeDaemonContainer(socket!, c, v, false)).rejects.toThrow(new RegExp(`^removing volume ${v}: .*in use`))
      expect(docker(['container', 'inspect', c]).status).not.toBe(0)
    } finally {
      docker(['rm', '-f', c, other])
      docker(['volume', 'rm', '-f', v])
    }
  })

  test('a container that does not exist: the engine says so', async () => {
    await expect(containerCmd(socket!, `${name}-gone`)).rejects.toThrow(/No such container/)
    await expect(execIn(socket!, `${name}-gone`, ['true'])).rejects.toThrow(/No such container/)
  })
})
