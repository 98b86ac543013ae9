import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { driverFor } from '../../../src/drivers/factory.js'
import {
  actionsCacheKey,
  assetName,
  assetUrls,
  buildxVersionProblem,
  checksumFor,
  DEFAULT_BUILDX_URL,
  goPlatform,
  installedVersionProblem,
  latestRequestHeaders,
  latestTag,
  OLDEST_BUILDX,
  parseBuildxVersion,
  parseInstallInputs,
  pluginPath,
  toolCacheArch
} from '../../../src/install/buildx-release.js'
import { InputError } from '../../../src/runner/errors.js'
import { compareVersions } from '../../../src/buildkit/versions.js'

const from = (m: Record<string, string>) => (n: string) => m[n] ?? ''

describe('parseInstallInputs', () => {
  test('no version: nothing to install, whatever cache-binary says', () => {
    expect(parseInstallInputs(from({}))).toBeUndefined()
    expect(parseInstallInputs(from({ 'cache-binary': 'false' }))).toBeUndefined()
    expect(parseInstallInputs(from({ version: '  ' }))).toBeUndefined()
  })

  test.each<[Record<string, string>, object]>([
    [{ version: 'v0.29.1' }, { version: 'v0.29.1', cacheBinary: true }],
    [{ version: '0.29.1' }, { version: 'v0.29.1', cacheBinary: true }],
    [{ version: ' v0.29.1\n' }, { version: 'v0.29.1', cacheBinary: true }],
    [{ version: 'v0.30.0-rc1' }, { version: 'v0.30.0-rc1', cacheBinary: true }],
    [{ version: OLDEST_BUILDX }, { version: OLDEST_BUILDX, cacheBinary: true }],
    [{ version: 'latest' }, { version: 'latest', cacheBinary: true }],
    [
      { version: 'Latest', 'cache-binary': 'false' },
      { version: 'latest', cacheBinary: false }
    ],
    [
      { version: 'v0.29.1', 'cache-binary': 'FALSE' },
      { version: 'v0.29.1', cacheBinary: false }
    ],
    [
      { version: 'v0.29.1', 'cache-binary': 'True' },
      { version: 'v0.29.1', cacheBinary: true }
    ],
    [
      { version: 'v0.29.1', 'buildx-url': 'https://mirror.corp/buildx/' },
      { version: 'v0.29.1', baseUrl: 'https://mirror.corp/buildx', cacheBinary: true }
    ],
    [
      { version: 'v0.29.1', 'buildx-url': 'http://10.0.0.5:8080/gh/docker/buildx', 'buildx-sha256': ` ${'A'.repeat(64)} ` },
      { version: 'v0.29.1', baseUrl: 'http://10.0.0.5:8080/gh/docker/buildx', cacheBinary: true, sha256: 'a'.repeat(64) }
    ],
    [
      { version: 'v0.29.1', 'buildx-sha256': 'b'.repeat(64) },
      { version: 'v0.29.1', cacheBinary: true, sha256: 'b'.repeat(64) }
    ]
  ])('%j → %j', (inputs, expected) => expect(parseInstallInputs(from(inputs))).toEqual(expected))

  test.each<[Record<string, string>, string, RegExp]>([
    [{ 'buildx-url': 'https://mirror.corp/buildx' }, 'buildx-url', /is set but version is not/],
    [{ version: 'latest', 'buildx-url': 'https://mirror.corp/buildx' }, 'version', /"latest" is looked up with GitHub's API.*vX\.Y\.Z/],
    [{ version: 'v0.29' }, 'version', /"v0.29" is not a buildx release: give a release tag like v\d/],
    [{ version: 'https://github.com/docker/buildx.git#master' }, 'version', /building from a git ref .* not supported/],
    [{ version: 'lab:latest' }, 'version', /lab\/cloud channels are not supported/],
    [{ version: 'v0.29.1 v0.30.0' }, 'version', /is not a buildx release/],
    [
      { version: 'v0.10.5' },
      'version',
      new RegExp(`buildx v0.10.5 is older than ${OLDEST_BUILDX}.*give ${OLDEST_BUILDX} or later, or latest`)
    ],
    [{ version: 'v0.29.1', 'cache-binary': 'yes' }, 'cache-binary', /"yes" is not a boolean; expected true or false/],
    [{ version: 'v0.29.1', 'buildx-url': 'mirror.corp/buildx' }, 'buildx-url', /is not a URL/],
    [{ version: 'v0.29.1', 'buildx-url': 'ftp://mirror.corp/buildx' }, 'buildx-url', /is a ftp: URL: give an https URL/],
    [
      { version: 'v0.29.1', 'buildx-url': 'http://mirror.corp/buildx' },
      'buildx-url',
      /is an http:\/\/ URL: .*changed on the way\. Give an https URL, or pin the file with buildx-sha256/
    ],
    [{ version: 'v0.29.1', 'buildx-sha256': 'abc' }, 'buildx-sha256', /is not a SHA-256: give the 64 hex digits/],
    [{ version: 'v0.29.1', 'buildx-sha256': `${'a'.repeat(63)}g` }, 'buildx-sha256', /is not a SHA-256/],
    [{ version: 'v0.29.1', 'buildx-sha256': `sha256:${'a'.repeat(64)}` }, 'buildx-sha256', /is not a SHA-256/],
    [{ version: 'latest', 'buildx-sha256': 'a'.repeat(64) }, 'buildx-sha256', /pins one file, and "latest" changes .*version: vX\.Y\.Z/],
    [{ 'buildx-sha256': 'a'.repeat(64) }, 'buildx-sha256', /is set but version is not/],
    [{ version: 'v0.29.1', 'buildx-url': 'file:///srv/buildx' }, 'buildx-url', /is a file: URL/],
    [{ version: 'v0.29.1', 'buildx-url': 'https://u:secret@mirror.corp/buildx' }, 'buildx-url', /user name or password/],
    [{ version: 'v0.29.1', 'buildx-url': 'https://mirror.corp/buildx?token=x' }, 'buildx-url', /query or fragment/]
  ])('%j is refused, naming %s', (inputs, input, message) => {
    let err: unknown
    try {
      parseInstallInputs(from(inputs))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).input).toBe(input)
    expect((err as Error).message).toMatch(message)
  })

  test.each([
    'https://u:secret@mirror.corp/buildx',
    'https://mirror.corp/buildx?token=secret',
    'https://mirror.corp/buildx#secret',
    'http://u:secret@mirror.corp/buildx',
    'not a url secret'
  ])('the secret parts of a refused buildx-url are not repeated: %s', url => {
    expect(() => parseInstallInputs(from({ version: 'v0.29.1', 'buildx-url': url }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') })
    )
  })
})

describe('OLDEST_BUILDX', () => {
  test('is a release tag, and every release before it is refused while it is taken', () => {
    expect(OLDEST_BUILDX).toMatch(/^v\d+\.\d+\.\d+$/)
    const [maj, min] = OLDEST_BUILDX.slice(1).split('.').map(Number)
    const before = min > 0 ? `v${maj}.${min - 1}.9` : `v${maj - 1}.99.0`
    expect(compareVersions(before, OLDEST_BUILDX)).toBeLessThan(0)
    expect(() => parseInstallInputs(from({ version: before }))).toThrow(/older than/)
    expect(parseInstallInputs(from({ version: OLDEST_BUILDX }))?.version).toBe(OLDEST_BUILDX)
  })
})

describe('parseBuildxVersion', () => {
  test.each<[string, string | undefined]>([
    ['github.com/docker/buildx v0.29.1 a1b2c3d4e5f6\n', 'v0.29.1'],
    ['github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4\n', 'v0.29.1+ds1'], // Debian's package
    ['github.com/docker/buildx v0.13.1-desktop.1 a3f8ed0\n', 'v0.13.1-desktop.1'], // Docker Desktop
    ['github.com/docker/buildx v0.30.0-rc1 abc\n', 'v0.30.0-rc1'],
    ['github.com/docker/buildx v0.0.0+unknown\n', undefined], // a source build without a tag
    ["docker: 'buildx' is not a docker command.\n", undefined],
    ['', undefined]
  ])('%j → %s', (printed, expected) => expect(parseBuildxVersion(printed)).toBe(expected))
})

describe('buildxVersionProblem', () => {
  test.each<[string, RegExp | undefined]>([
    [
      'github.com/docker/buildx v0.10.5 abc',
      new RegExp(`buildx is v0.10.5, older than ${OLDEST_BUILDX}.*set the input version.*or upgrade buildx on the runner`)
    ],
    ['github.com/docker/buildx v0.9.1 ed00243', /v0.9.1, older than/],
    ['github.com/docker/buildx 0.10.4+ds1 0.10.4+ds1-1', /v0.10.4\+ds1, older than/],
    [`github.com/docker/buildx ${OLDEST_BUILDX} abc`, undefined],
    ['github.com/docker/buildx v0.11.0-rc1 abc', undefined], // a release candidate counts as its release
    ['github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4', undefined],
    ['github.com/docker/buildx v1.0.0 abc', undefined],
    ['github.com/docker/buildx v0.0.0+unknown', undefined] // can't tell: not refused
  ])('%j', (printed, problem) => {
    const p = buildxVersionProblem(printed)
    if (problem === undefined) expect(p).toBeUndefined()
    else expect(p).toMatch(problem)
  })
})

describe('the oldest buildx per driver', () => {
  test.each<[string, string, RegExp | undefined]>([
    [
      'kubernetes',
      'github.com/docker/buildx v0.11.2 abc',
      /buildx is v0.11.2, older than v0.12.0, the oldest this action works with for the kubernetes driver/
    ],
    ['kubernetes', 'github.com/docker/buildx v0.12.0 abc', undefined],
    ['docker-container', 'github.com/docker/buildx v0.11.2 abc', undefined],
    ['remote', 'github.com/docker/buildx v0.11.2 abc', undefined]
  ])('%s with %j', (driver, printed, problem) => {
    const p = buildxVersionProblem(printed, driverFor(driver))
    if (problem === undefined) expect(p).toBeUndefined()
    else expect(p).toMatch(problem)
  })
})

describe('installedVersionProblem', () => {
  test.each<[string, string, RegExp | undefined]>([
    ['github.com/docker/buildx v0.29.1 a1b2c3', 'v0.29.1', undefined],
    ['github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4', 'v0.29.1', undefined],
    ['github.com/docker/buildx v0.30.0-rc1 abc', 'v0.30.0-rc1', undefined],
    ['github.com/docker/buildx v0.30.0 abc', 'v0.30.0-rc1', /runs buildx v0.30.0, not v0.30.0-rc1/],
    [
      'github.com/docker/buildx v0.29.1 a1b2c3',
      'v0.29.2',
      /runs buildx v0.29.1, not v0.29.2, which was installed at \/h\/.docker\/cli-plugins\/docker-buildx: .*cliPluginsExtraDirs/
    ],
    ['unknown flag: --version', 'v0.29.1', /can't read a version .*"unknown flag: --version"/]
  ])('%j, wanted %s', (printed, wanted, problem) => {
    const p = installedVersionProblem(printed, wanted, '/h/.docker/cli-plugins/docker-buildx')
    if (problem === undefined) expect(p).toBeUndefined()
    else expect(p).toMatch(problem)
  })
})

describe('release assets', () => {
  test.each<[NodeJS.Platform, string, string]>([
    ['linux', 'x64', 'buildx-v0.29.1.linux-amd64'],
    ['linux', 'arm64', 'buildx-v0.29.1.linux-arm64'],
    ['linux', 'arm', 'buildx-v0.29.1.linux-arm-v7'],
    ['linux', 'ppc64', 'buildx-v0.29.1.linux-ppc64le'],
    ['linux', 's390x', 'buildx-v0.29.1.linux-s390x'],
    ['linux', 'riscv64', 'buildx-v0.29.1.linux-riscv64'],
    ['darwin', 'arm64', 'buildx-v0.29.1.darwin-arm64'],
    ['darwin', 'x64', 'buildx-v0.29.1.darwin-amd64'],
    ['win32', 'x64', 'buildx-v0.29.1.windows-amd64.exe'],
    ['win32', 'arm64', 'buildx-v0.29.1.windows-arm64.exe'],
    ['freebsd', 'x64', 'buildx-v0.29.1.freebsd-amd64'],
    ['openbsd', 'arm64', 'buildx-v0.29.1.openbsd-arm64']
  ])('%s/%s → %s', (platform, arch, name) => expect(assetName('v0.29.1', platform, arch)).toBe(name))

  test.each<[NodeJS.Platform, string, RegExp]>([
    ['linux', 'ia32', /no binary for this runner \(linux\/ia32\)/],
    ['linux', 'mips', /no binary for this runner \(linux\/mips\)/],
    ['darwin', 's390x', /no binary for this runner \(darwin\/s390x, buildx's darwin\/s390x\)/],
    ['aix', 'ppc64', /\(aix\/ppc64, buildx's aix\/ppc64le\).*it has darwin\/amd64.*linux\/amd64.*Leave version empty/],
    ['win32', 'arm', /windows\/arm-v7/]
  ])('%s/%s has none', (platform, arch, message) => {
    expect(() => assetName('v0.29.1', platform, arch)).toThrow(message)
    expect(() => goPlatform(platform, arch)).toThrow(message)
  })

  test.each<[string | undefined, string, string]>([
    [undefined, `${DEFAULT_BUILDX_URL}/v0.29.1/buildx-v0.29.1.linux-amd64`, `${DEFAULT_BUILDX_URL}/v0.29.1/checksums.txt`],
    [
      'https://mirror.corp/buildx',
      'https://mirror.corp/buildx/v0.29.1/buildx-v0.29.1.linux-amd64',
      'https://mirror.corp/buildx/v0.29.1/checksums.txt'
    ],
    [
      'http://127.0.0.1:8080/r//',
      'http://127.0.0.1:8080/r/v0.29.1/buildx-v0.29.1.linux-amd64',
      'http://127.0.0.1:8080/r/v0.29.1/checksums.txt'
    ]
  ])('under %s', (baseUrl, binary, checksums) => {
    expect(assetUrls(baseUrl === undefined ? {} : { baseUrl }, 'v0.29.1', 'linux', 'x64')).toEqual({ binary, checksums })
  })

  test("the default is GitHub's release download of docker/buildx", () =>
    expect(DEFAULT_BUILDX_URL).toBe('https://github.com/docker/buildx/releases/download'))
})

describe('checksumFor', () => {
  const a = 'a'.repeat(64)
  const b = 'b'.repeat(64)
  const c = 'C'.repeat(64)
  // As buildx's release writes it: `sha256sum -b buildx-*` (a * before each name), with the
  // provenance and SBOM files beside each binary.
  const released = [
    `${a} *buildx-v0.29.1.linux-amd64`,
    `${b} *buildx-v0.29.1.linux-amd64.provenance.json`,
    `${c} *buildx-v0.29.1.linux-arm-v7`,
    `${b} *buildx-v0.29.1.linux-arm-v6`,
    ''
  ].join('\n')

  test.each<[string, string, string, string | undefined]>([
    ['as released', 'buildx-v0.29.1.linux-amd64', released, a],
    ['as released, upper-case hex', 'buildx-v0.29.1.linux-arm-v7', released, c.toLowerCase()],
    ['no such line', 'buildx-v0.29.1.linux-arm64', released, undefined],
    ["a name's prefix is not the name", 'buildx-v0.29.1.linux-amd', released, undefined],
    ['no darwin lines', 'buildx-v0.29.1.darwin-arm64', released, undefined],
    ['text mode, CRLF', 'buildx-v0.29.1.linux-amd64', `${a}  buildx-v0.29.1.linux-amd64\r\n`, a],
    ['./ before the name', 'buildx-v0.29.1.linux-amd64', `${a}  ./buildx-v0.29.1.linux-amd64\n`, a],
    ['63 digits', 'buildx-v0.29.1.linux-amd64', `${a.slice(1)}  buildx-v0.29.1.linux-amd64\n`, undefined],
    ['no space', 'buildx-v0.29.1.linux-amd64', `${a}buildx-v0.29.1.linux-amd64\n`, undefined],
    ['an error page', 'buildx-v0.29.1.linux-amd64', '<html>Not Found</html>', undefined]
  ])('%s: %s', (_what, asset, text, sum) => expect(checksumFor(text, asset)).toBe(sum))

  const sha256sum = spawnSync('sha256sum', ['--version']).status === 0
  ;(sha256sum ? test : test.skip)('reads what sha256sum -b writes, for each file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checksums-'))
    try {
      const names = ['buildx-v9.9.9.linux-amd64', 'buildx-v9.9.9.linux-arm64', 'buildx-v9.9.9.linux-amd64.sbom.json']
      names.forEach((n, i) => fs.writeFileSync(path.join(dir, n), `content ${i}`))
      const text = spawnSync('sha256sum', ['-b', ...names], { cwd: dir, encoding: 'utf8' }).stdout
      for (const n of names)
        expect(checksumFor(text, n)).toBe(
          createHash('sha256')
            .update(fs.readFileSync(path.join(dir, n)))
            .digest('hex')
        )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('where and under which keys', () => {
  test.each<[NodeJS.ProcessEnv, NodeJS.Platform, string]>([
    [{}, 'linux', '/home/runner/.docker/cli-plugins/docker-buildx'],
    [{ DOCKER_CONFIG: '/etc/docker-cfg' }, 'linux', '/etc/docker-cfg/cli-plugins/docker-buildx'],
    [{ DOCKER_CONFIG: '' }, 'linux', '/home/runner/.docker/cli-plugins/docker-buildx'],
    [{}, 'win32', path.join('/home/runner/.docker', 'cli-plugins', 'docker-buildx.exe')]
  ])('plugin path with %j on %s', (env, platform, expected) => expect(pluginPath(env, '/home/runner', platform)).toBe(expected))

  test("the tool cache tells a mirror's binary from GitHub's, and mirrors apart", () => {
    const github = toolCacheArch({}, 'v0.29.1', 'linux', 'x64')
    const m1 = toolCacheArch({ baseUrl: 'https://m1.corp/buildx' }, 'v0.29.1', 'linux', 'x64')
    const m2 = toolCacheArch({ baseUrl: 'https://m2.corp/buildx' }, 'v0.29.1', 'linux', 'x64')
    expect(github).toBe('amd64')
    expect(m1).toMatch(/^amd64-[0-9a-f]{12}$/)
    expect(new Set([github, m1, m2]).size).toBe(3)
    expect(toolCacheArch({ baseUrl: 'https://m1.corp/buildx' }, 'v0.29.1', 'linux', 'x64')).toBe(m1)
  })

  test('the Actions cache key names release, platform and content', () => {
    const sha = createHash('sha256').update('x').digest('hex')
    expect(actionsCacheKey('v0.29.1', 'linux', 'x64', sha)).toBe(`buildx-v0.29.1-linux-amd64-${sha.slice(0, 16)}`)
    expect(actionsCacheKey('v0.29.1', 'linux', 'arm', sha)).toBe(`buildx-v0.29.1-linux-arm-v7-${sha.slice(0, 16)}`)
    expect(actionsCacheKey('v0.29.1', 'linux', 'x64', 'f'.repeat(64))).not.toBe(actionsCacheKey('v0.29.1', 'linux', 'x64', sha))
  })
})

describe('latest', () => {
  test('the token goes along as a bearer token when there is one', () => {
    expect(latestRequestHeaders({}).Authorization).toBeUndefined()
    expect(latestRequestHeaders({ GITHUB_TOKEN: 'ghs_abc' })).toMatchObject({
      Authorization: 'Bearer ghs_abc',
      Accept: 'application/vnd.github+json'
    })
  })

  test.each<[string, string | RegExp]>([
    ['{"tag_name":"v0.29.1","name":"v0.29.1","prerelease":false}', 'v0.29.1'],
    ['{"tag_name":"v1.0.0"}', 'v1.0.0'],
    ['{"message":"Not Found"}', /gave no release tag like v0.29.1 \(tag_name: undefined\)/],
    ['{"tag_name":"nightly"}', /tag_name: "nightly"/],
    ['<html>', /not JSON/]
  ])('%s', (body, expected) => {
    if (typeof expected === 'string') expect(latestTag(body)).toBe(expected)
    else expect(() => latestTag(body)).toThrow(expected)
  })
})
