import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  cacheArch,
  cniAddition,
  configFile,
  DEFAULT_CNI_CONFIG,
  dockerfile,
  imageTag,
  parseChecksum,
  parseCniConfig,
  parseCniInputs,
  pluginArch,
  pluginsUrls,
  subnetProblem,
  type CniBuild
} from '../../../src/cni/settings.js'
import type { TomlTable } from '../../../src/config/toml.js'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { planFor as makePlan } from '../../inputs-model.js'
import { expectGolden } from '../../helpers.js'

const linux = { platform: 'linux', arch: 'x64', endianness: 'LE' as const }
const from = (m: Record<string, string>) => (n: string) => m[n] ?? ''

describe('parseCniInputs', () => {
  test('off by default', () => expect(parseCniInputs(from({}), linux)).toBeUndefined())

  test('cni-image implies cni', () =>
    expect(parseCniInputs(from({ 'cni-image': 'corp/buildkit-cni:1' }), linux)).toEqual({ image: 'corp/buildkit-cni:1' }))

  test('cni: true builds from the defaults', () => {
    const cni = parseCniInputs(from({ cni: 'true' }), linux)
    expect(cni).toEqual({
      build: {
        baseImage: 'moby/buildkit:buildx-stable-1',
        pluginsVersion: 'v1.9.1',
        pluginsUrl: 'https://github.com/containernetworking/plugins/releases/download',
        config: { text: DEFAULT_CNI_CONFIG, source: 'the default bridge config', types: ['bridge', 'host-local', 'loopback'], list: false },
        arch: 'amd64'
      }
    })
  })

  test('inputs override the defaults', () => {
    const cni = parseCniInputs(
      from({
        cni: 'true',
        'buildkit-image': 'moby/buildkit:v0.29.0',
        'cni-plugins-version': 'v1.6.2',
        'cni-plugins-url': 'https://mirror.corp/cni/'
      }),
      { ...linux, arch: 'arm64' }
    )
    expect(cni).toMatchObject({
      build: { baseImage: 'moby/buildkit:v0.29.0', pluginsVersion: 'v1.6.2', pluginsUrl: 'https://mirror.corp/cni', arch: 'arm64' }
    })
    expect(cni).not.toHaveProperty('build.sha256')
  })

  test('cni-plugins-sha256 pins the archive, and lets an http:// mirror be used', () => {
    const cni = parseCniInputs(
      from({ cni: 'true', 'cni-plugins-url': 'http://10.0.0.5/cni', 'cni-plugins-sha256': ` ${'AB'.repeat(32)} ` }),
      linux
    )
    expect(cni).toMatchObject({ build: { pluginsUrl: 'http://10.0.0.5/cni', sha256: 'ab'.repeat(32) } })
  })

  test.each([
    [{ cni: 'false', 'cni-image': 'x/y:1' }, 'input "cni": is false, but cni-image is set'],
    [{ 'cni-config': 'cni.json' }, 'input "cni-config": is set, but CNI is off; set cni: true'],
    [{ 'buildkit-image': 'moby/buildkit:v0.29.0' }, 'input "buildkit-image": is set, but CNI is off'],
    [{ 'cni-image': 'x/y:1', 'cni-config': 'cni.json' }, 'input "cni-config": applies only when the action builds the CNI image'],
    [{ 'cni-image': 'x y' }, 'input "cni-image": "x y" is not an image reference'],
    [{ cni: 'yes' }, 'input "cni": "yes" is not one of false, true, bridge'],
    [{ cni: 'true', 'cni-plugins-version': '1.9.1' }, 'input "cni-plugins-version": "1.9.1" is not a release tag like v1.9.1'],
    [{ cni: 'true', 'cni-plugins-url': 'ftp://mirror/cni' }, 'input "cni-plugins-url": is a ftp: URL: give an https URL'],
    [
      { cni: 'true', 'cni-plugins-url': 'http://mirror/cni' },
      'input "cni-plugins-url": is an http:// URL: what it serves, the published checksum included, could be changed on the way. ' +
        'Give an https URL, or pin the file with cni-plugins-sha256 (its SHA-256)'
    ],
    [
      { cni: 'true', 'cni-plugins-url': 'https://mirror/cni?token=secret' },
      'input "cni-plugins-url": has a query or fragment (not repeated here'
    ],
    [{ cni: 'true', 'cni-plugins-url': 'https://u:secret@mirror/cni' }, 'input "cni-plugins-url": holds a user name or password'],
    [{ cni: 'true', 'cni-plugins-url': 'mirror/cni' }, 'input "cni-plugins-url": is not a URL: give the https URL under which'],
    [{ cni: 'true', 'cni-plugins-sha256': 'f'.repeat(63) }, 'input "cni-plugins-sha256": is not a SHA-256: give the 64 hex digits'],
    [{ 'cni-plugins-sha256': 'f'.repeat(64) }, 'input "cni-plugins-sha256": is set, but CNI is off'],
    [
      { 'cni-image': 'x/y:1', 'cni-plugins-sha256': 'f'.repeat(64) },
      'input "cni-plugins-sha256": applies only when the action builds the CNI image'
    ],
    [{ cni: 'true', 'cni-config': '/nonexistent/cni.json' }, 'input "cni-config": file "/nonexistent/cni.json" does not exist']
  ])('%j fails', (inputs, message) => expect(() => parseCniInputs(from(inputs), linux)).toThrow(message))
})

describe('pluginArch', () => {
  test.each([
    ['x64', 'LE', 'amd64'],
    ['arm64', 'LE', 'arm64'],
    ['arm', 'LE', 'arm'],
    ['ppc64', 'LE', 'ppc64le'],
    ['s390x', 'BE', 's390x'],
    ['riscv64', 'LE', 'riscv64'],
    ['mipsel', 'LE', 'mipsle']
  ] as const)('%s (%s) is %s', (arch, endianness, name) => expect(pluginArch({ platform: 'linux', arch, endianness })).toBe(name))

  test.each([
    [
      { platform: 'linux', arch: 'ia32', endianness: 'LE' as const },
      /no archive for this runner's architecture \(ia32\); give a ready image as cni-image/
    ],
    [{ platform: 'linux', arch: 'ppc64', endianness: 'BE' as const }, /\(ppc64\)/],
    [{ platform: 'darwin', arch: 'arm64', endianness: 'LE' as const }, /released for Linux only; this runner is darwin/]
  ])('%j is refused', (host, message) => expect(() => pluginArch(host)).toThrow(message))

  test('an unsupported architecture fails before anything else is read', () => {
    expect(() => getInputs(from({ cni: 'true' }))).not.toThrow() // this machine is supported
    expect(() => parseCniInputs(from({ cni: 'true' }), { ...linux, arch: 'loong64' })).toThrow(/^input "cni": .*\(loong64\)/)
  })
})

describe('release URLs and checksums', () => {
  test.each([
    [
      'https://github.com/containernetworking/plugins/releases/download',
      'v1.9.1',
      'amd64',
      'https://github.com/containernetworking/plugins/releases/download/v1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz'
    ],
    ['http://127.0.0.1:8080/mirror/', 'v1.6.2', 'arm64', 'http://127.0.0.1:8080/mirror/v1.6.2/cni-plugins-linux-arm64-v1.6.2.tgz']
  ])('%s %s %s', (base, version, arch, archive) => {
    expect(pluginsUrls(base, version, arch)).toEqual({ archive, checksum: `${archive}.sha256`, fileName: path.basename(archive) })
  })

  const sum = 'ab'.repeat(32)
  test.each([
    [`${sum}  cni-plugins-linux-amd64-v1.9.1.tgz\n`, sum],
    [`${sum.toUpperCase()}\n`, sum],
    [sum, sum]
  ])('parseChecksum(%j)', (text, hex) => expect(parseChecksum(text, 'u')).toBe(hex))
  test.each(['', 'not a sum', `${sum}x  file`, '<html>404</html>'])('parseChecksum(%j) fails', text =>
    expect(() => parseChecksum(text, 'https://x/y.sha256')).toThrow('https://x/y.sha256 holds no SHA-256 sum')
  )
})

describe('CNI config', () => {
  test('a single network config lists its plugin and IPAM types, plus loopback', () => {
    const c = parseCniConfig(DEFAULT_CNI_CONFIG, 'default')
    expect(c).toMatchObject({ types: ['bridge', 'host-local', 'loopback'], list: false })
    expect(JSON.parse(c.text)).toMatchObject({
      type: 'bridge',
      bridge: 'buildkit0',
      ipMasq: true,
      ipam: { type: 'host-local', subnet: '10.10.0.0/16' }
    })
  })

  test('a config list goes to cni.conflist (BuildKit reads a list only from a .conflist path)', () => {
    const c = parseCniConfig(
      JSON.stringify({ cniVersion: '1.0.0', name: 'n', plugins: [{ type: 'bridge', ipam: { type: 'dhcp' } }, { type: 'firewall' }] }),
      'x.conflist'
    )
    expect(c.types).toEqual(['bridge', 'dhcp', 'firewall', 'loopback'])
    expect(configFile(c)).toBe('/etc/buildkit/cni.conflist')
    expect(configFile(parseCniConfig(DEFAULT_CNI_CONFIG, 'd'))).toBe('/etc/buildkit/cni.json')
  })

  test.each([
    ['{"type": "bridge"', /^input "cni-config": my.json is not valid JSON/],
    ['[1]', /my.json is not a JSON object/],
    ['{"name": "x"}', /my.json the config names no plugin "type"/],
    ['{"plugins": [{"type": "bridge"}, {"name": "y"}]}', /my.json plugins\[1\] names no plugin "type"/],
    ['{"plugins": []}', /my.json names no plugin type/],
    ['{"type": "../../bin/sh"}', /names no plugin "type"/],
    ['{"type": ".."}', /the config names no plugin "type"/],
    [
      '{"type": "bridge", "ipam": {"type": "../host-local"}}',
      /my.json the config.ipam names no plugin "type" \("..\/host-local" is not a file name\)/
    ],
    ['{"plugins": [{"type": "bridge", "ipam": {"type": "a/b"}}]}', /my.json plugins\[0\].ipam names no plugin "type"/]
  ])('%j fails', (text, message) => expect(() => parseCniConfig(text, 'my.json')).toThrow(message))

  test('a file is read and checked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-'))
    fs.writeFileSync(path.join(dir, 'c.json'), '{"type":"macvlan","ipam":{"type":"static"}}')
    const cni = parseCniInputs(from({ cni: 'true', 'cni-config': path.join(dir, 'c.json') }), linux)
    expect(cni && 'build' in cni && cni.build.config.types).toEqual(['loopback', 'macvlan', 'static'])
    fs.rmSync(dir, { recursive: true })
  })
})

describe('the image', () => {
  const build = (over: Partial<CniBuild> = {}): CniBuild => ({
    baseImage: 'moby/buildkit:buildx-stable-1',
    pluginsVersion: 'v1.9.1',
    pluginsUrl: 'https://example.invalid',
    config: parseCniConfig(DEFAULT_CNI_CONFIG, 'the default bridge config'),
    arch: 'amd64',
    ...over
  })

  test('Dockerfile (golden): plugins and config copied in, no RUN step', () => {
    expectGolden('cni.Dockerfile', dockerfile(build()))
    expect(dockerfile(build())).not.toMatch(/^RUN/m)
  })

  test("the tag is the same for the same inputs and changes with each of them, the archive's SHA-256 included", () => {
    const id = 'sha256:' + 'a'.repeat(64)
    const sha = 'c'.repeat(64)
    const tag = imageTag(id, sha, build())
    expect(tag).toMatch(/^localhost\/buildkit-builder-cni:v1\.9\.1-[0-9a-f]{16}$/)
    expect(imageTag(id, sha, build())).toBe(tag)
    const variants = [
      imageTag('sha256:' + 'b'.repeat(64), sha, build()),
      // the same version name from another cni-plugins-url: another archive, another tag
      imageTag(id, 'd'.repeat(64), build()),
      imageTag(id, sha, build({ arch: 'arm64' })),
      imageTag(id, sha, build({ config: parseCniConfig('{"type":"bridge","bridge":"other0"}', 'c') }))
    ]
    expect(new Set([tag, ...variants]).size).toBe(5)
  })

  test('the tool-cache key tells archives from different URLs apart', () => {
    const a = cacheArch('amd64', 'https://github.com/containernetworking/plugins/releases/download/v1.9.1/x.tgz')
    expect(a).toMatch(/^amd64-[0-9a-f]{12}$/)
    expect(cacheArch('amd64', 'https://mirror.corp.example/cni/v1.9.1/x.tgz')).not.toBe(a)
  })

  test('what CNI adds to the builder: the image (none for bridge) and the network to expect', () => {
    expect(cniAddition('img:1', 'd')).toEqual({ driverOpts: ['image=img:1'], network: 'cni', description: 'd' })
    expect(cniAddition(undefined, 'b')).toEqual({ driverOpts: [], network: 'cni', description: 'b' })
  })
})

describe('cni: bridge', () => {
  test('bridge, with or without a subnet', () => {
    expect(parseCniInputs(from({ cni: 'bridge' }), linux)).toEqual({ bridge: {} })
    expect(parseCniInputs(from({ cni: 'Bridge', 'cni-subnet': '10.20.0.0/16' }), linux)).toEqual({ bridge: { subnet: '10.20.0.0/16' } })
  })

  test.each([
    [{ cni: 'bridge', 'cni-image': 'x:1' }, /^input "cni-image": belongs to cni: true/],
    [{ cni: 'bridge', 'cni-config': 'c.json' }, /^input "cni-config": belongs to cni: true/],
    [{ cni: 'bridge', 'cni-plugins-version': 'v1.9.1' }, /^input "cni-plugins-version": belongs to cni: true/],
    [{ cni: 'bridge', 'buildkit-image': 'moby/buildkit:v0.29.0' }, /^input "buildkit-image": belongs to cni: true/],
    [{ cni: 'true', 'cni-subnet': '10.20.0.0/16' }, /^input "cni-subnet": applies to cni: bridge only/],
    [{ 'cni-subnet': '10.20.0.0/16' }, /^input "cni-subnet": applies to cni: bridge only/],
    [{ cni: 'bridge', 'cni-subnet': '10.20.0.0' }, /^input "cni-subnet": "10.20.0.0" is not an IPv4 subnet like 10.10.0.0\/16/],
    [{ cni: 'bridges' }, /^input "cni": "bridges" is not one of false, true, bridge/]
  ])('%j fails', (inputs, message) => expect(() => parseCniInputs(from(inputs), linux)).toThrow(message))

  test.each([
    ['10.10.0.0/16', undefined],
    ['192.168.100.0/24', undefined],
    ['10.10.0.1/16', /has host bits set; the subnet is 10\.10\.0\.0\/16/],
    ['10.0.0.0/31', /give a subnet from \/8 to \/30/],
    ['300.1.1.0/24', /is not an IPv4 subnet/],
    ['fd00::/64', /is not an IPv4 subnet/]
  ])('subnet %s', (value, problem) => {
    const p = subnetProblem(value)
    if (problem) expect(p).toMatch(problem)
    else expect(p).toBeUndefined()
  })
})

describe('CNI in the model and the plan', () => {
  const workerOf = (plan: { tree: TomlTable }): TomlTable => (plan.tree.worker as TomlTable).oci as TomlTable

  test.each([
    ['cni-image', { 'cni-image': 'corp/cni:1' }, { networkMode: 'cni' }],
    ['cni: bridge', { cni: 'bridge' }, { networkMode: 'bridge' }],
    ['cni: bridge with a subnet', { cni: 'bridge', 'cni-subnet': '10.20.0.0/16' }, { networkMode: 'bridge', bridgeSubnet: '10.20.0.0/16' }]
  ])('%s: network settings in [worker.oci], no daemon flag; verification expects the cni network', (_t, extra, worker) => {
    const inputs = getInputs(from({ name: 'c1', 'buildkitd-flags': '--debug', ...extra }))
    const plan = makePlan(inputs, [], '/tmp/buildkit-builder-x', cniAddition('corp/cni:1', 'corp/cni:1 (cni-image)'))
    expect(workerOf(plan)).toEqual(worker)
    expect(plan.nodes[0].createArgs.slice(-4)).toEqual(['image=corp/cni:1', '--buildkitd-flags', '--debug', '--use'])
    expect(plan.expect.network).toBe('cni')
    expect(plan.expect.config.worker).toEqual({ oci: worker })
  })

  test('cni: true with a .conflist: the path in the config, where BuildKit reads it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-'))
    fs.writeFileSync(
      path.join(dir, 'l.conflist'),
      '{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"bridge","ipam":{"type":"host-local"}}]}'
    )
    const plan = makePlan(
      getInputs(from({ name: 'c2', cni: 'true', 'cni-config': path.join(dir, 'l.conflist') })),
      [],
      '/tmp/buildkit-builder-x',
      {}
    )
    expect(workerOf(plan)).toEqual({ networkMode: 'cni', cniConfigPath: '/etc/buildkit/cni.conflist', cniBinaryPath: '/opt/cni/bin' })
    expect(plan.configText).toContain('[worker.oci]\nnetworkMode = "cni"\ncniConfigPath = "/etc/buildkit/cni.conflist"')
    fs.rmSync(dir, { recursive: true })
  })

  test.each([
    [
      { cni: 'true', 'driver-opts': 'image=moby/buildkit:latest' },
      /^input "driver-opts": "image=moby\/buildkit:latest" conflicts with cni: true, which sets the builder image/
    ],
    [
      { cni: 'bridge', 'driver-opts': 'network=host' },
      /^input "driver-opts": "network=host" with cni: bridge: the CNI bridge \(and its iptables rules\) would be created in the runner's own network namespace/
    ],
    [{ 'cni-image': 'x/y:1', 'driver-opts': 'image=a:1,network=host' }, /conflicts with cni-image/],
    [
      { 'cni-image': 'x/y:1', 'buildkitd-flags': '--oci-worker-net=host' },
      /^input "buildkitd-flags": --oci-worker-net overrides the network settings of cni-image/
    ],
    [
      { 'buildkitd-flags': '--oci-cni-config-path /etc/buildkit/x.conflist' },
      /^input "buildkitd-flags": --oci-cni-config-path does not work: BuildKit reads its value from a misspelt name/
    ],
    [
      { cni: 'bridge', 'buildkitd-config-inline': '[worker.oci]\nnetworkMode = "host"\n' },
      /^input "buildkitd-config-inline": worker\.oci\.networkMode is "host", but cni: bridge needs "bridge"/
    ]
  ])('%j fails before anything is created', (inputs, message) => expect(() => getInputs(from(inputs))).toThrow(message))

  test("cni: bridge with the user's own image is fine", () => {
    expect(getInputs(from({ cni: 'bridge', 'driver-opts': 'image=moby/buildkit:v0.29.0\nnetwork=none' })).cni).toEqual({ bridge: {} })
  })
})
