import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { catalog, driverFor } from '../../../src/drivers/factory.js'
import { keptKeyWarnings, parseBuildkitdFlags, parseDriver, parseDriverOpts, parseName, parseVerify } from '../../../src/inputs/inputs.js'
import { parseBaseConfig } from '../../../src/inputs/base-config.js'
import { parseHostList, parseMirrors, parseRegistryCerts } from '../../../src/inputs/registries.js'
import { inputLines, parseBool, splitShellWords } from '../../../src/runner/lines.js'

const inputsFrom =
  (m: Record<string, string>) =>
  (name: string): string =>
    m[name] ?? ''

describe('parseMirrors', () => {
  test.each([
    ['docker.io=mirror.gcr.io', [{ registry: 'docker.io', mirrors: [{ host: 'mirror.gcr.io', path: '', scheme: undefined }], line: 1 }]],
    [
      'ghcr.io=https://ghcr-mirror.corp.example,http://mirror.local:5000',
      [
        {
          registry: 'ghcr.io',
          mirrors: [
            { host: 'ghcr-mirror.corp.example', path: '', scheme: 'https' },
            { host: 'mirror.local:5000', path: '', scheme: 'http' }
          ],
          line: 1
        }
      ]
    ],
    [
      '\n# comment\n  docker.io = m.example/v2/ , 10.0.0.1:5000 ',
      [
        {
          registry: 'docker.io',
          mirrors: [
            { host: 'm.example', path: '/v2', scheme: undefined },
            { host: '10.0.0.1:5000', path: '', scheme: undefined }
          ],
          line: 3
        }
      ]
    ],
    // An IPv6 mirror over HTTPS needs no section of its own: a value, not a TOML key.
    ['docker.io=https://[::1]:5001', [{ registry: 'docker.io', mirrors: [{ host: '[::1]:5001', path: '', scheme: 'https' }], line: 1 }]],
    // A trailing slash is no path (BuildKit trims it too: extractMirrorHostAndPath).
    ['docker.io=mirror.gcr.io/', [{ registry: 'docker.io', mirrors: [{ host: 'mirror.gcr.io', path: '', scheme: undefined }], line: 1 }]]
  ])('%j parses', (text, expected) => {
    expect(parseMirrors(text)).toEqual(expected)
  })

  test.each([
    ['docker.io', /line 1: "docker.io" is not REGISTRY=MIRROR/],
    ['docker.io=', /line 1: registry "docker.io" has no mirror/],
    ['docker.io=mirror.gcr.io\ndocker.io=other.example', /line 2: registry "docker.io" is already given on line 1/],
    ['https://docker.io=mirror.gcr.io', /line 1: registry "https:\/\/docker.io" has a scheme/],
    ['docker.io=ftp://mirror', /scheme "ftp"; only http:\/\/ and https:\/\//],
    ['docker.io=mirror.gcr.io:99999', /port 99999, outside 1-65535/],
    ['docker.io=mirror"]\nevil = true', /line 1: mirror .* is not a host\[:port\]/],
    ['docker.io=mirror.example/a b', /line 1: mirror "mirror.example\/a b" has path/],
    ['docker.io=docker.io', /is given as its own mirror/],
    ['bad_host=m.example', /registry "bad_host" is not a host\[:port\]/],
    // buildx's TOML parser (go-toml v1) can't read [registry."[::1]:5000"]: measured with buildx 0.29.1
    [
      '[::1]:5000=m.example',
      /registry "\[::1\]:5000" is an IPv6 address, which buildx can't take as a registry: its config parser refuses '\]'/
    ],
    ['docker.io=http://[::1]:5001', /mirror "\[::1\]:5001" is an IPv6 address, which buildx can't take/],
    ['[:::.]:5000=m.example', /"\[:::\.\]:5000" is not a host\[:port\], .*: ":::\." is not an IPv6 address/]
  ])('%j fails: %s', (text, message) => {
    expect(() => parseMirrors(text)).toThrow(message)
    expect(() => parseMirrors(text)).toThrow(/^input "mirrors"/)
  })
})

describe('parseHostList', () => {
  test.each([
    ['registry.local:5000', ['registry.local:5000']],
    ['a.example, b.example\nc.example:1\n\na.example', ['a.example', 'b.example', 'c.example:1']],
    ['', []]
  ])('%j', (text, hosts) => {
    expect(parseHostList('http-registries', text)).toEqual(hosts)
  })

  test.each([
    ['ok.example\nhttp://x.example', /^input "insecure-registries", line 2: "http:\/\/x.example" has a scheme/],
    ['a.example,-bad-', /line 1: "-bad-" is not a host/],
    ['x.example:0', /port 0, outside/]
  ])('%j fails', (text, message) => {
    expect(() => parseHostList('insecure-registries', text)).toThrow(message)
  })

  test.each([
    ['http-registries', /has a scheme; .* \(write it without http:\/\/: this list is the plain-HTTP one already\)/],
    ['insecure-registries', /has a scheme; .* \(list a plain-HTTP registry in http-registries\)/]
  ])('a scheme in %s gets a hint that fits that input', (input, message) => {
    expect(() => parseHostList(input, 'http://x.example')).toThrow(message)
  })
})

describe('scalar inputs', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    [' false ', false],
    ['', true]
  ])('parseBool(%j) = %s', (v, b) => expect(parseBool('use', v, true)).toBe(b))
  test('parseBool rejects yes, naming the input', () =>
    expect(() => parseBool('cleanup', 'yes')).toThrow('input "cleanup": "yes" is not a boolean; expected true or false'))
  test.each([
    ['', 'true'],
    ['warn', 'warn'],
    ['False', 'false']
  ])('parseVerify(%j) = %s', (v, m) => expect(parseVerify(v)).toBe(m))
  test('parseVerify rejects other values', () => expect(() => parseVerify('maybe')).toThrow(/input "verify"/))
  test('a generated name is builder-<uuid>', () =>
    expect(parseName('', driverFor('docker-container').maxBuilderName)).toMatch(/^builder-[0-9a-f-]{36}$/))
  test.each([
    [
      'docker-container',
      231,
      232,
      /a builder name has at most 231 \(buildx names each node's state volume .*, and a file name has at most 255\)$/
    ],
    [
      'kubernetes',
      61,
      62,
      /a builder name has at most 61 \(buildx names each node's Deployment <name><n>, and its pods' label app=<name><n> takes at most 63 characters\)$/
    ]
  ])('%s: a builder name of %i characters is taken, %i refused', (driver, ok, over, message) => {
    const limit = driverFor(driver).maxBuilderName
    expect(parseName('a'.repeat(ok), limit)).toBe('a'.repeat(ok))
    expect(() => parseName('a'.repeat(over), limit)).toThrow(message)
  })
  test.each(['1bad', 'a b', 'x/y', '-x'])('name %j is refused as buildx would', n =>
    expect(() => parseName(n, driverFor('docker-container').maxBuilderName)).toThrow(/input "name": .* must start with a letter/)
  )
  test('a driver buildx does not have is named, with the ones this action takes', () =>
    expect(() => parseDriver('cloud', catalog.names)).toThrow(
      'input "driver": driver "cloud" is not supported; docker-container, kubernetes, remote and docker are'
    ))
  test('driver-opts are key=value lines', () => {
    expect(parseDriverOpts('image=moby/buildkit:v0.29.0\n\nnetwork=host')).toEqual(['image=moby/buildkit:v0.29.0', 'network=host'])
    expect(() => parseDriverOpts('image=x\nnetwork')).toThrow('input "driver-opts", line 2: "network" is not key=value')
  })
})

describe('buildkitd-flags', () => {
  test.each([
    ['--debug --oci-worker-net=cni', ['--debug', '--oci-worker-net=cni']],
    [
      `--allow-insecure-entitlement 'security.insecure' --x "a b" c\\ d`,
      ['--allow-insecure-entitlement', 'security.insecure', '--x', 'a b', 'c d']
    ],
    ['', []],
    [`""`, ['']]
  ])('%j splits as shell words', (text, words) => expect(splitShellWords(text)).toEqual(words))
  test('an open quote is an error', () =>
    expect(() => parseBuildkitdFlags(`--x 'a`)).toThrow('input "buildkitd-flags": a quote is not closed'))
  test('--config is refused: the action sets it', () =>
    expect(() => parseBuildkitdFlags('--config=/x.toml')).toThrow(/give the file as buildkitd-config instead/))
})

describe('base config', () => {
  test('invalid TOML names the input and the line', () => {
    expect(() => parseBaseConfig('buildkitd-config-inline', 'debug = true\nbad = tru\n')).toThrow(
      /^input "buildkitd-config-inline", line 2: invalid TOML at column 7/
    )
  })
  test('a keypair without key is refused before buildx can crash on it', () => {
    const text = '[registry."r.example"]\n[[registry."r.example".keypair]]\ncert = "/c.pem"\n'
    expect(() => parseBaseConfig('buildkitd-config-inline', text)).toThrow(
      'input "buildkitd-config-inline": registry."r.example".keypair[0] has no key'
    )
  })
  test('both buildkitd-config and buildkitd-config-inline is an error', () => {
    expect(() => getInputs(inputsFrom({ 'buildkitd-config': 'a.toml', 'buildkitd-config-inline': 'debug = true' }))).toThrow(
      /both set; give one of them/
    )
  })
  test('a missing config file is named', () => {
    expect(() => getInputs(inputsFrom({ 'buildkitd-config': '/nonexistent/buildkitd.toml' }))).toThrow(
      'input "buildkitd-config": file "/nonexistent/buildkitd.toml" does not exist'
    )
  })
  test('a config file is read and its certificates become requests', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-'))
    const file = path.join(dir, 'buildkitd.toml')
    fs.writeFileSync(
      file,
      '[registry."r.example:5000"]\nca = ["/x/ca.pem"]\n[[registry."r.example:5000".keypair]]\ncert = "/x/c.crt"\nkey = "/x/c.key"\n'
    )
    const inputs = getInputs(inputsFrom({ 'buildkitd-config': file }))
    expect(inputs.baseConfig?.path).toBe(file)
    expect(inputs.certRequests).toEqual([
      {
        registry: 'r.example:5000',
        cas: [{ kind: 'ca', ref: '/x/ca.pem', input: 'buildkitd-config', where: 'registry."r.example:5000".ca[0]' }],
        keypairs: [
          {
            cert: { kind: 'cert', ref: '/x/c.crt', input: 'buildkitd-config', where: 'registry."r.example:5000".keypair[0].cert' },
            key: { kind: 'key', ref: '/x/c.key', input: 'buildkitd-config', where: 'registry."r.example:5000".keypair[0].key' }
          }
        ]
      }
    ])
    fs.rmSync(dir, { recursive: true })
  })
})

describe('registry-certs', () => {
  test('lines become requests per registry', () => {
    const text = 'myregistry.com ca=env:REG_CA cert=env:REG_CERT key=env:REG_KEY\nother.example:5443 ca=./certs/other-ca.pem'
    expect(parseRegistryCerts(text)).toEqual([
      {
        registry: 'myregistry.com',
        cas: [{ kind: 'ca', ref: 'env:REG_CA', input: 'registry-certs', line: 1 }],
        keypairs: [
          {
            cert: { kind: 'cert', ref: 'env:REG_CERT', input: 'registry-certs', line: 1 },
            key: { kind: 'key', ref: 'env:REG_KEY', input: 'registry-certs', line: 1 }
          }
        ]
      },
      { registry: 'other.example:5443', cas: [{ kind: 'ca', ref: './certs/other-ca.pem', input: 'registry-certs', line: 2 }], keypairs: [] }
    ])
  })
  const key = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/buildkit/test-pki/client.key'), 'utf8')
  test.each([
    ['r.example cert=/c.crt', /line 1: cert= has no key=/],
    ['r.example key=/c.key', /line 1: key= has no cert=/],
    ['r.example', /has no ca=, cert= or key=/],
    ['r.example ca=/a ca=/b', /ca= is given twice/],
    ['r.example crt=/a', /"crt=\/a" is not ca=REF/],
    ['r.example ca=', /ca= has no file path or env:NAME/],
    ['ca=/a.pem', /starts with "ca=\/a.pem"/],
    ['https://r.example ca=/a', /has a scheme/],
    [`r.example key=${key.split('\n')[0]}`, /line 1: holds PEM text; put the PEM in a secret and pass it as env:NAME/],
    [`r.example ca=/a\n${key.split('\n')[1]}`, /line 2: holds PEM text/]
  ])('bad line #%#', (text, message) => {
    expect(() => parseRegistryCerts(text)).toThrow(message)
  })
  test('an error about a pasted key never repeats the line', () => {
    let message = ''
    try {
      parseRegistryCerts(`r.example key=x\n${key}`)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/line 2: holds PEM text/)
    for (const line of key.split('\n').filter(l => l.length > 8)) expect(message).not.toContain(line)
  })
})

describe('getInputs', () => {
  test('the issue example reads into the model', () => {
    const inputs = getInputs(
      inputsFrom({
        mirrors: 'docker.io=mirror.gcr.io\nghcr.io=https://ghcr-mirror.corp.example,http://mirror.local:5000',
        'http-registries': 'registry.local:5000',
        'insecure-registries': 'selfsigned.corp.example',
        debug: 'true',
        name: 'ci-builder'
      })
    )
    expect(inputs).toMatchObject({
      name: 'ci-builder',
      driver: 'docker-container',
      debug: true,
      use: true,
      verify: 'true',
      cleanup: true,
      keepState: false,
      httpRegistries: ['registry.local:5000'],
      insecureRegistries: ['selfsigned.corp.example']
    })
    expect(inputs.mirrors.map(m => m.registry)).toEqual(['docker.io', 'ghcr.io'])
  })
  test('debug left empty stays undefined (the base config decides)', () => {
    expect(getInputs(inputsFrom({})).debug).toBeUndefined()
  })
  test('an https mirror that is also an http registry is a contradiction', () => {
    expect(() => getInputs(inputsFrom({ mirrors: 'docker.io=https://m.example', 'http-registries': 'm.example' }))).toThrow(
      /input "mirrors", line 1: mirror "https:\/\/m.example" is also listed in http-registries/
    )
  })
  test('inputLines numbers lines as the user sees them', () => {
    expect(inputLines('\n a \n#x\nb')).toEqual([
      { n: 2, text: 'a' },
      { n: 4, text: 'b' }
    ])
  })
})

describe('the drop-in defaults of docker/setup-buildx-action', () => {
  test('empty buildkitd-flags: both insecure entitlements allowed; given flags replace them', () => {
    expect(getInputs(inputsFrom({})).nodes[0].buildkitdFlags).toEqual([
      '--allow-insecure-entitlement',
      'security.insecure',
      '--allow-insecure-entitlement',
      'network.host'
    ])
    expect(getInputs(inputsFrom({ 'buildkitd-flags': '--debug' })).nodes[0].buildkitdFlags).toEqual(['--debug'])
  })

  test("buildx's buildkitd.default.toml is the base config when no config input is given", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-'))
    fs.writeFileSync(path.join(dir, 'buildkitd.default.toml'), '[registry."docker.io"]\nmirrors = ["corp-mirror.example"]\n')
    const host = { env: { BUILDX_CONFIG: dir }, home: '/nonexistent' }
    expect(getInputs(inputsFrom({}), host).baseConfig).toMatchObject({
      input: 'buildkitd.default.toml',
      path: path.join(dir, 'buildkitd.default.toml'),
      fromDefault: true,
      tree: { registry: { 'docker.io': { mirrors: ['corp-mirror.example'] } } }
    })
    // An input wins, as buildx's own --config does; $DOCKER_CONFIG/buildx when BUILDX_CONFIG is unset.
    expect(getInputs(inputsFrom({ 'buildkitd-config-inline': 'debug = true\n' }), host).baseConfig?.input).toBe('buildkitd-config-inline')
    fs.mkdirSync(path.join(dir, 'buildx'))
    fs.renameSync(path.join(dir, 'buildkitd.default.toml'), path.join(dir, 'buildx', 'buildkitd.default.toml'))
    expect(getInputs(inputsFrom({}), { env: { DOCKER_CONFIG: dir }, home: '/nonexistent' }).baseConfig?.fromDefault).toBe(true)
    expect(getInputs(inputsFrom({}), { env: {}, home: dir }).baseConfig).toBeUndefined()
    fs.rmSync(dir, { recursive: true })
  })

  test('both config inputs: the error says what setup-buildx-action would have done', () => {
    expect(() => getInputs(inputsFrom({ 'buildkitd-config': 'a.toml', 'buildkitd-config-inline': 'debug = true' }))).toThrow(
      /both set; give one of them \(docker\/setup-buildx-action would take the file and drop the inline config without a word\)/
    )
  })
})

describe('keptKeyWarnings', () => {
  const base = { name: 'b1', driver: 'docker-container' as const }
  const keyed = [
    {
      registry: 'r.example',
      cas: [],
      keypairs: [{ cert: { kind: 'cert' as const, ref: 'c', input: 'x' }, key: { kind: 'key' as const, ref: 'k', input: 'x' } }]
    }
  ]
  const caOnly = [{ registry: 'r.example', cas: [{ kind: 'ca' as const, ref: 'ca', input: 'x' }], keypairs: [] }]
  test.each([
    ['cleanup: true', { ...base, cleanup: true, certRequests: keyed }, 0],
    ['no keys', { ...base, cleanup: false, certRequests: caOnly }, 0],
    ['cleanup: false with a key', { ...base, cleanup: false, certRequests: keyed }, 1]
  ])('%s', (_what, inputs, n) => expect(keptKeyWarnings(inputs, driverFor(inputs.driver).keptKeysPlace)).toHaveLength(n))
  test('kubernetes: the ConfigMaps', () => {
    expect(keptKeyWarnings({ ...base, cleanup: false, certRequests: keyed }, driverFor('kubernetes').keptKeysPlace)[0]).toContain(
      "builder's ConfigMaps"
    )
  })
})
