import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createArgs } from '../../src/docker/buildx.js'
import { buildkitImage, containerOf, describeDocker, docker, forceRemove, uniqueName } from './docker-env.js'

// The daemon's network set-up at start, as `docker buildx create --bootstrap` sees it: the
// config file's [worker.oci] keys, the flags that override them, the bridge mode, and the
// errors of a start that fails (BuildKit prints `buildkitd: %+v` of the error: the cause,
// then each wrapping message, then a stack; buildx shows the daemon's log). Runs against the
// stand-in (__tests__/standin) and, with BUILDKIT_IMAGE, the shared table runs unchanged
// against a real moby/buildkit image (v0.13.0 or later: bridge mode). The texts are
// BuildKit's (v0.29.0 .. v0.32.2): util/network/netproviders/network.go Providers,
// util/network/cniprovider/{cni.go New, bridge.go NewBridge}, cmd/buildkitd/main_oci_worker.go
// applyOCIFlags (where `--oci-cni-config-path` sets the path from a flag that does not
// exist, "oci-cni-worker-path": the path becomes "").
jest.setTimeout(240_000)

const REAL_IMAGE = process.env.BUILDKIT_IMAGE
const standin = path.join(import.meta.dirname, '..', 'standin', 'build.sh')
const NETWORK_LABEL = 'org.mobyproject.buildkit.worker.network'

let tmp = ''
const builders: string[] = []
const createdImages = new Set<string>()

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-network-'))
})
afterEach(() => {
  for (const b of builders.splice(0)) forceRemove(b)
})
afterAll(() => {
  for (const b of builders.splice(0)) forceRemove(b)
  for (const image of createdImages) docker(['rmi', '-f', image])
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

interface Created {
  name: string
  status: number
  /** what `docker buildx create` printed */
  output: string
  /** the daemon's own log (`docker logs` of the builder's container) */
  logs: string
}

/** `docker buildx create --bootstrap` with `toml` as the config and the daemon flags given. */
function create(image: string, toml: string, flags: string[] = []): Created {
  const name = uniqueName('net')
  builders.push(name)
  const file = path.join(tmp, `${name}.toml`)
  fs.writeFileSync(file, toml)
  const r = docker(
    createArgs({
      name,
      driver: 'docker-container',
      configPath: file,
      driverOpts: [`image=${image}`, 'network=none'],
      buildkitdFlags: flags,
      use: false
    })
  )
  const logs = docker(['logs', containerOf(name)])
  return { name, status: r.status, output: r.stdout + r.stderr, logs: logs.stdout + logs.stderr }
}

/** The running daemon's answer to `buildctl debug workers`. */
function workers(name: string): { labels: Record<string, string>; buildkitVersion?: { version: string } }[] {
  const r = docker(['exec', containerOf(name), 'buildctl', 'debug', 'workers', '--format', '{{json .}}'])
  if (r.status !== 0) throw new Error(`buildctl debug workers failed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

/** `buildkitd --version` of an image. */
function versionOf(image: string): string {
  const r = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'buildkitd', image, '--version'])
  if (r.status !== 0) throw new Error(`buildkitd --version failed: ${r.stderr}`)
  return r.stdout
}

/** A copy of `base` without the bridge mode's plugins in /usr/bin (BuildKit's image ships them). */
function withoutBridgePlugins(base: string): string {
  const tag = `standin-network-nobridge:${process.pid}`
  if (createdImages.has(tag)) return tag
  const ctr = `standin-network-nobridge-${process.pid}`
  const inspect = (field: string): string => docker(['image', 'inspect', '--format', `{{json .Config.${field}}}`, base]).stdout.trim()
  const entrypoint = inspect('Entrypoint')
  const cmd = inspect('Cmd')
  docker(['rm', '-f', '-v', ctr])
  const rm = docker(['run', '--name', ctr, '--network', 'none', '--entrypoint', '/bin/sh', base, '-c', 'rm -f /usr/bin/buildkit-cni-*'])
  if (rm.status !== 0) throw new Error(`removing the bridge plugins failed: ${rm.stderr}`)
  const commit = docker([
    'commit',
    '--change',
    `ENTRYPOINT ${entrypoint === 'null' ? '[]' : entrypoint}`,
    '--change',
    `CMD ${cmd === 'null' ? '[]' : cmd}`,
    ctr,
    tag
  ])
  docker(['rm', '-f', '-v', ctr])
  if (commit.status !== 0) throw new Error(`docker commit failed: ${commit.stderr}`)
  createdImages.add(tag)
  return tag
}

/** The two lines `buildkitd: %+v` starts with for an error wrapped once (cause, then message). */
const startError = (cause: string, message: string): string => `buildkitd: ${cause}\n${message}\n`

interface Row {
  what: string
  image: () => string
  toml: string
  flags?: string[]
  /** a failed bootstrap: the lines the daemon's log starts its error with */
  fails?: string
  /** a running daemon: the network its worker reports */
  network?: string
}

const EMPTY_CNI = startError('stat : no such file or directory', 'failed to read cni config ""')

const rows: Row[] = [
  {
    what: '--oci-cni-config-path=X with mode cni: the path is "" (v0.29 applyOCIFlags), the start fails',
    image: buildkitImage,
    toml: '[worker.oci]\n  cniConfigPath = "/etc/buildkit/cni.json"\n',
    flags: ['--oci-worker-net=cni', '--oci-cni-config-path=/etc/buildkit/cni.json'],
    fails: EMPTY_CNI
  },
  {
    what: '--oci-cni-config-path X (two words) with networkMode cni in the config: the same',
    image: buildkitImage,
    toml: '[worker.oci]\n  networkMode = "cni"\n',
    flags: ['--oci-cni-config-path', '/etc/buildkit/cni.json'],
    fails: EMPTY_CNI
  },
  {
    what: 'cniConfigPath of the config naming a file that does not exist, mode cni: the error names it',
    image: buildkitImage,
    toml: '[worker.oci]\n  networkMode = "cni"\n  cniConfigPath = "/etc/buildkit/no-such-cni.json"\n',
    fails: startError(
      'stat /etc/buildkit/no-such-cni.json: no such file or directory',
      'failed to read cni config "/etc/buildkit/no-such-cni.json"'
    )
  },
  {
    what: 'networkMode bridge in the config: the daemon runs, its worker reports cni',
    image: buildkitImage,
    toml: '[worker.oci]\n  networkMode = "bridge"\n  bridgeSubnet = "10.213.0.0/16"\n',
    network: 'cni'
  },
  {
    what: 'networkMode bridge without the bridge plugins: the start fails',
    image: () => withoutBridgePlugins(buildkitImage()),
    toml: '[worker.oci]\n  networkMode = "bridge"\n',
    fails: startError(
      'stat /opt/cni/bin/bridge: no such file or directory',
      'failed to find CNI bridge "/opt/cni/bin/bridge" or buildkit-cni-bridge'
    )
  },
  {
    what: 'networkMode cni in the config, --oci-worker-net=host given: the flag wins',
    image: buildkitImage,
    toml: '[worker.oci]\n  networkMode = "cni"\n  cniConfigPath = "/etc/buildkit/no-such-cni.json"\n',
    flags: ['--oci-worker-net=host'],
    network: 'host'
  }
]

// A failed bootstrap: buildx retries while the daemon restarts, then fails with the
// "booting buildkit" step, printing what it read of the daemon's log. buildx 0.29.1 garbles
// that copy (stream headers, NULs, lines cut and repeated: fixtures 02-bootstrap-fails and
// 03-cni-without-plugins show it with the real daemon), so a line may or may not survive it:
// the daemon's log itself is what holds the error intact (and what the action reports).
function check(row: Row): void {
  const c = create(row.image(), row.toml, row.flags)
  if (row.fails) {
    expect(c.status).not.toBe(0)
    expect(c.output).toContain('booting buildkit')
    expect(c.logs).toContain(row.fails)
  } else {
    if (c.status !== 0) throw new Error(`buildx create failed:\n${c.output}`)
    expect(workers(c.name)[0].labels[NETWORK_LABEL]).toBe(row.network)
  }
}

describeDocker('the daemon network at start (config, flags, bridge)', () => {
  test.each(rows)('$what', check)

  test('buildkitd --version prints the name, the package, the version and the revision', () => {
    expect(versionOf(buildkitImage())).toMatch(/^buildkitd github\.com\/moby\/buildkit v\d+\.\d+\.\d+\S* \S+\n$/)
  })
})

// The tests below need the stand-in: a BuildKit version chosen when the image is built
// (STANDIN_VERSION), and the settings the stand-in records at start.
if (REAL_IMAGE) {
  console.warn(
    `standin-network: the tests of a settable BuildKit version (bridge mode refused by a v0.12 daemon, STANDIN_VERSION) are SKIPPED: ` +
      `BUILDKIT_IMAGE=${REAL_IMAGE} names a real image, whose version can't be chosen`
  )
}
const describeStandin = REAL_IMAGE ? describe.skip : describeDocker

describeStandin('a stand-in of an older BuildKit (STANDIN_VERSION)', () => {
  let v012 = ''

  /** build.sh with STANDIN_VERSION; an image it built (not there before) is removed afterwards. */
  function buildStandin(version: string): string {
    const before = docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', 'buildkit-standin']).stdout.split('\n')
    const tag = execFileSync(standin, { encoding: 'utf8', env: { ...process.env, STANDIN_VERSION: version } }).trim()
    if (!before.includes(tag)) createdImages.add(tag)
    return tag
  }

  beforeAll(() => {
    v012 = buildStandin('v0.12.5')
  })

  test('the tag is derived from the content, the version included', () => {
    expect(v012).toMatch(/^buildkit-standin:[0-9a-f]{12}$/)
    expect(buildStandin('v0.12.5')).toBe(v012)
    expect(v012).not.toBe(buildkitImage())
    expect(
      docker(['image', 'inspect', '--format', '{{index .Config.Labels "org.opencontainers.image.version"}}', v012]).stdout.trim()
    ).toBe('v0.12.5')
  })

  test.each([
    { image: () => buildkitImage(), version: 'v0.29.0' },
    { image: () => v012, version: 'v0.12.5' }
  ])('buildkitd --version of the $version stand-in', ({ image, version }) => {
    expect(versionOf(image())).toBe(`buildkitd github.com/moby/buildkit ${version} standin\n`)
  })

  test.each<Row>([
    {
      what: 'v0.12.5: networkMode bridge is refused (bridge mode came with v0.13.0)',
      image: () => v012,
      toml: '[worker.oci]\n  networkMode = "bridge"\n',
      fails: 'buildkitd: invalid network mode: "bridge"\n'
    },
    {
      what: 'v0.12.5: --oci-worker-net=bridge is refused too',
      image: () => v012,
      toml: '[worker.oci]\n  networkMode = "host"\n',
      flags: ['--oci-worker-net=bridge'],
      fails: 'buildkitd: invalid network mode: "bridge"\n'
    },
    {
      what: 'v0.12.5: bridgeName and bridgeSubnet, keys it does not know, are ignored',
      image: () => v012,
      toml: '[worker.oci]\n  networkMode = "host"\n  bridgeName = "bk1"\n  bridgeSubnet = "10.214.0.0/16"\n',
      network: 'host'
    }
  ])('$what', check)

  test('v0.12.5: the worker reports that version', () => {
    const c = create(v012, '[worker.oci]\n  networkMode = "host"\n')
    if (c.status !== 0) throw new Error(`buildx create failed:\n${c.output}`)
    expect(workers(c.name)[0].buildkitVersion?.version).toBe('v0.12.5')
  })

  test('bridge mode uses bridgeName and bridgeSubnet of the config, and the plugins of /usr/bin', () => {
    const c = create(buildkitImage(), '[worker.oci]\n  networkMode = "bridge"\n  bridgeName = "bk7"\n  bridgeSubnet = "10.215.0.0/16"\n')
    if (c.status !== 0) throw new Error(`buildx create failed:\n${c.output}`)
    const env = docker(['exec', containerOf(c.name), 'cat', '/run/buildkit/standin.env']).stdout
    expect(env).toContain("BRIDGE_NAME='bk7'")
    expect(env).toContain("BRIDGE_SUBNET='10.215.0.0/16'")
    expect(env).toContain("BRIDGE_PLUGINS='buildkit-cni-*'")
    for (const p of ['bridge', 'loopback', 'host-local', 'firewall']) {
      expect(docker(['exec', containerOf(c.name), 'test', '-x', `/usr/bin/buildkit-cni-${p}`]).status).toBe(0)
    }
    expect(
      docker(['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', v012, '-c', 'ls /usr/bin/buildkit-cni-* 2>/dev/null']).stdout
    ).toBe('')
  })
})
