import { afterAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { RunResult } from '../../../../src/runner/exec.js'
import type { Inputs } from '../../../../src/inputs/model.js'
import type { Plan } from '../../../../src/plan/plan.js'
import { fixture, pki, pkiDir } from '../../../helpers.js'

// The remote driver: the pure rules of src/remote.ts in tables, and the driver
// (src/drivers/remote.ts) with the process seam replaced, so every command it would run is
// seen and answered here. The real buildx and a real BuildKit daemon over TLS are in
// __tests__/integration/remote.test.ts (only where BUILDKIT_IMAGE names a real image).

const runs: { command: string; args: string[]; show: boolean }[] = []
let answer: (command: string, args: string[]) => RunResult | Promise<RunResult> = () => ({ exitCode: 0, stdout: '', stderr: '' })
const exec = {
  run: jest.fn(async (command: string, args: string[], options: { show?: boolean } = {}) => {
    runs.push({ command, args, show: options.show ?? false })
    return answer(command, args)
  }),
  runChecked: jest.fn(async (what: string, command: string, args: string[], options: { show?: boolean } = {}) => {
    const res = await exec.run(command, args, options)
    if (res.exitCode !== 0) throw new Error(`${what} failed (exit code ${res.exitCode}): ${exec.lastLine(res.stderr)}`)
    return res
  }),
  lastLine: (text: string): string =>
    text
      .split('\n')
      .map(l => l.trim())
      .filter(l => l !== '')
      .pop() ?? '(no output)',
  stopChildren: jest.fn(async () => undefined)
}
// buildx through `docker buildx` here, whatever plugin this machine has (buildx-plugin.test.ts tests the lookup).
jest.unstable_mockModule('../../../../src/docker/buildx-plugin.js', () => ({
  buildxCommand: () => ({ command: 'docker', prefix: ['buildx'], standalone: false })
}))
jest.unstable_mockModule('../../../../src/runner/exec.js', () => exec)
const remote = {
  ...(await import('../../../../src/drivers/remote/inputs.js')),
  ...(await import('../../../../src/drivers/remote/tls.js')),
  ...(await import('../../../../src/drivers/remote/buildx-args.js'))
}
const inspect = await import('../../../../src/buildkit/buildx-inspect.js')
const { inputsWith } = await import('../../../inputs-model.js')
const owner = await import('../../../../src/drivers/remote/owner.js')
const { remote: driver, resolveFromRunner } = await import('../../../../src/drivers/remote/driver.js')
const { judgePull, hostChain } = await import('../../../../src/verify/proof.js')
const { parseResolveOutput } = await import('../../../../src/buildkit/resolve.js')
const { compare } = await import('../../../../src/verify/compare.js')
const { redact, resetSecrets } = await import('../../../../src/runner/redact.js')
const { InputError } = await import('../../../../src/runner/errors.js')

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-test-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
// The fixture certificates are valid from 2026-11-27 to 2036-11-24.
const NOW = new Date('2027-01-01T00:00:00Z')

beforeEach(() => {
  runs.length = 0
  answer = () => ({ exitCode: 0, stdout: '', stderr: '' })
  resetSecrets()
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

/** Inputs as inputs.ts would make them, the first node on a remote daemon, with what a test changes. */
const inputs = (patch: Partial<Inputs> = {}, driverOpts: string[] = []): Inputs =>
  inputsWith(
    { name: 'rb', ...patch },
    { endpoint: 'tcp://buildkitd:1234', driverOpts, buildkitdFlags: ['--allow-insecure-entitlement', 'network.host'] }
  )
const getter =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

describe('remoteInputProblems', () => {
  const configInputs: [string, string, RegExp][] = [
    ['buildkitd-config', 'buildkitd.toml', /base config/],
    ['buildkitd-config-inline', 'debug = true', /base config/],
    ['mirrors', 'docker.io=mirror.gcr.io', /mirrors = \[/],
    ['http-registries', 'reg:5000', /http = true/],
    ['insecure-registries', 'reg:5000', /insecure = true/],
    ['registry-certs', 'reg:5000 ca=ca.pem', /keypair.*cacert=, cert=, key=/],
    ['debug', 'true', /buildkitd --debug/],
    ['debug', 'false', /debug logging/],
    ['cni', 'true', /cniConfigPath/],
    ['cni', 'bridge', /CNI/],
    ['cni-image', 'my/cni:1', /CNI/],
    ['cni-subnet', '10.9.0.0/16', /CNI/],
    ['cni-config', 'cni.conflist', /CNI/],
    ['cni-plugins-version', 'v1.1.1', /CNI/],
    ['cni-plugins-url', 'https://x', /CNI/],
    ['buildkit-image', 'moby/buildkit:v0.29.0', /image/]
  ]
  test.each(configInputs)(
    "%s: %s is refused, saying the daemon's own buildkitd.toml applies and how to set it",
    (input, value, specific) => {
      const problems = remote.remoteInputProblems(inputs(), getter({ [input]: value }))
      expect(problems).toHaveLength(1)
      expect(problems[0].input).toBe(input)
      expect(problems[0].message).toMatch(specific)
      expect(problems[0].message).toContain("the daemon's own buildkitd.toml applies")
      expect(problems[0].message).toContain('buildkitd --config')
      expect(problems[0].message).toContain('/etc/buildkit/buildkitd.toml')
      expect(problems[0].message).toContain('setting config file is not supported for remote driver')
    }
  )

  test.each([
    ['buildkitd-flags', { 'buildkitd-flags': '--debug' }, /setting buildkit flags is not supported for remote driver/],
    ['append', { append: '- endpoint: tcp://b:1234\n  buildkitd-flags: --debug\n' }, /buildkitd-flags of a node/],
    ['keep-state', { 'keep-state': 'true' }, /state is its own/],
    ['check-registries', { 'check-registries': 'true' }, /verify-pull/]
  ])('%s is refused with the reason', (input, values, message) => {
    const problems = remote.remoteInputProblems(inputs(), getter(values))
    expect(problems).toEqual([{ input, message: expect.stringMatching(message) }])
  })

  test.each([
    ['nothing set', {}],
    ['platforms', { platforms: 'linux/amd64,linux/arm64' }],
    ['cni: false', { cni: 'false' }],
    ['keep-state: false', { 'keep-state': 'false' }],
    ['check-registries: false', { 'check-registries': 'false' }],
    ['verify-pull', { 'verify-pull': 'alpine' }],
    ['append without buildkitd-flags', { append: '- endpoint: tcp://b:1234\n  driver-opts: [default-load=true]\n' }]
  ])('%s: no problem', (_what, values) => {
    expect(remote.remoteInputProblems(inputs(), getter(values))).toEqual([])
  })

  test("buildx's buildkitd.default.toml would make buildx create fail: refused, naming the file", () => {
    const problems = remote.remoteInputProblems(
      inputs({
        baseConfig: { input: 'buildkitd.default.toml', path: '/home/u/.docker/buildx/buildkitd.default.toml', tree: {}, fromDefault: true }
      }),
      getter({})
    )
    expect(problems).toEqual([
      { input: 'driver', message: expect.stringContaining('/home/u/.docker/buildx/buildkitd.default.toml to every new builder') }
    ])
  })

  test.each([
    [['cacert=ca.pem'], false, 'cleanup'],
    [['cacert=env:CA,cert=env:C,key=env:K'], false, 'cleanup'],
    [['cacert=ca.pem'], true, undefined],
    [[], false, undefined],
    [['default-load=true'], false, undefined]
  ])('driver-opts %j with cleanup %s: problem %s', (opts, cleanup, input) => {
    const problems = remote.remoteInputProblems(inputs({ cleanup }, opts), getter({}))
    expect(problems.map(p => p.input)).toEqual(input ? [input] : [])
    if (input) expect(problems[0].message).toMatch(/reads those files every time it connects.*deleted when the job ends/)
  })

  test.each([
    [
      ['image=moby/buildkit'],
      /"image=moby\/buildkit": the remote driver takes only servername, cacert, cert, key, default-load.*invalid driver option image/
    ],
    [['env.X=1'], /invalid driver option env.X for remote driver/],
    [['default-load=maybe'], /default-load is true or false/],
    [['cert=c.pem,key=k.pem'], /need cacert=/]
  ])('driver-opts %j: %s', (opts, message) => {
    const problems = remote.remoteInputProblems(inputs({}, opts), getter({}))
    expect(problems).toEqual([{ input: 'driver-opts', message: expect.stringMatching(message) }])
  })

  test("an appended node's options are named by its label", () => {
    const i = inputs()
    i.nodes.push({
      endpoint: 'tcp://b:1234',
      driverOpts: ['network=host'],
      buildkitdFlags: [],
      platforms: [],
      label: 'append[0]',
      append: 0
    })
    expect(remote.remoteInputProblems(i, getter({})).map(p => p.input)).toEqual(['append (append[0] driver-opts)'])
  })
})

describe('parseRemoteTls', () => {
  test.each([
    [[], { other: [] }],
    [['cacert=ca.pem'], { cacert: { kind: 'ca', ref: 'ca.pem', input: 'driver-opts' }, other: [] }],
    [
      ['cacert=env:CA', 'cert=env:CERT', 'key=env:KEY', 'servername=buildkitd'],
      {
        cacert: { kind: 'ca', ref: 'env:CA', input: 'driver-opts' },
        cert: { kind: 'cert', ref: 'env:CERT', input: 'driver-opts' },
        key: { kind: 'key', ref: 'env:KEY', input: 'driver-opts' },
        servername: 'buildkitd',
        other: []
      }
    ],
    // One --driver-opt is one CSV record for buildx (builder.go csvToMap).
    [
      ['cacert=/a/ca.pem,default-load=true'],
      { cacert: { kind: 'ca', ref: '/a/ca.pem', input: 'driver-opts' }, other: ['default-load=true'] }
    ],
    [['"cacert=/a,b/ca.pem"'], { cacert: { kind: 'ca', ref: '/a,b/ca.pem', input: 'driver-opts' }, other: [] }]
  ])('%j', (opts, expected) => {
    expect(remote.parseRemoteTls(opts)).toEqual(expected)
  })

  test.each([
    [['cacert=a', 'cacert=b'], 'cacert= is given twice'],
    [['cacert='], 'cacert= has no file path or env:NAME'],
    [['key=env:'], 'key= has no file path or env:NAME'],
    [['servername='], 'servername= has no name'],
    [['cacert=a', 'cert=c'], 'cert= has no key='],
    [['cacert=a', 'key=k'], 'key= has no cert='],
    [['servername=x'], 'servername= need cacert='],
    [['cert=c', 'key=k'], 'cert= and key= need cacert=']
  ])('%j: %s', (opts, message) => {
    expect(() => remote.parseRemoteTls(opts, 'append (append[1] driver-opts)')).toThrow(message)
    expect(() => remote.parseRemoteTls(opts, 'append (append[1] driver-opts)')).toThrow(InputError)
  })

  test('PEM pasted into an option is refused without being quoted back', () => {
    const key = pki('client.key').split('\n')[1]
    let message = ''
    try {
      remote.parseRemoteTls([`key=${key}`, 'cacert=x'])
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/holds PEM text; put the PEM in a secret and pass it as env:NAME/)
    expect(message).not.toContain(key)
  })
})

describe('loadRemoteTls and remoteTlsFiles', () => {
  const tls = remote.parseRemoteTls([`cacert=${path.join(pkiDir, 'ca.pem')}`, 'cert=env:BK_CERT', 'key=env:BK_KEY', 'default-load=true'])
  const env = { BK_CERT: pki('client.crt'), BK_KEY: pki('client.key') }

  test("files and env:NAME load with registry-certs' checks; the key is masked at once", () => {
    const { tls: loaded, warnings } = remote.loadRemoteTls(tls, NOW, env)
    expect(warnings).toEqual([])
    expect(loaded.cacert?.info?.subject).toBe('CN=fixture-test-ca')
    expect(loaded.cert?.info?.subject).toBe('CN=fixture-client')
    expect(loaded.key?.content.toString()).toBe(pki('client.key'))
    const keyLine = pki('client.key').split('\n')[3]
    expect(redact(`x ${keyLine}`)).toBe('x ***')
  })

  test('a key that does not match the certificate is refused', () => {
    const wrong = remote.parseRemoteTls([`cacert=${path.join(pkiDir, 'ca.pem')}`, `cert=${path.join(pkiDir, 'ca.pem')}`, 'key=env:BK_KEY'])
    expect(() => remote.loadRemoteTls(wrong, NOW, env)).toThrow(/key env:BK_KEY does not match certificate/)
  })

  test.each([
    [['cacert=env:NOPE'], /ca env:NOPE is not set; add NOPE to the step's env/],
    [[`cacert=${path.join(pkiDir, 'client.key')}`], /holds a private key; a CA file must hold certificates only/],
    [['cacert=/does/not/exist.pem'], /does not exist/]
  ])('%j: %s', (opts, message) => {
    expect(() => remote.loadRemoteTls(remote.parseRemoteTls(opts), NOW, {})).toThrow(message)
  })

  test('an expired CA is refused', () => {
    expect(() => remote.loadRemoteTls(tls, new Date('2040-01-01T00:00:00Z'), env)).toThrow(/expired on 2036-11-24/)
  })

  test("the files under the node's directory (the key 0600) and the options with absolute paths", () => {
    const { tls: loaded } = remote.loadRemoteTls(tls, NOW, env)
    const out = remote.remoteTlsFiles(loaded, '/run/dir/remote/0', 'the first node')
    expect(out.dirs).toEqual(['/run/dir/remote/0'])
    expect(out.files.map(f => [f.hostPath, f.mode.toString(8), f.containerPath, f.label])).toEqual([
      ['/run/dir/remote/0/ca.pem', '644', '', `CA of the BuildKit daemon of the first node (${path.join(pkiDir, 'ca.pem')})`],
      ['/run/dir/remote/0/client.crt', '644', '', 'client certificate for the BuildKit daemon of the first node (env:BK_CERT)'],
      ['/run/dir/remote/0/client.key', '600', '', 'client key for the BuildKit daemon of the first node (env:BK_KEY)']
    ])
    expect(out.files[2].content.toString()).toBe(pki('client.key'))
    expect(out.driverOpts).toEqual([
      'cacert=/run/dir/remote/0/ca.pem',
      'cert=/run/dir/remote/0/client.crt',
      'key=/run/dir/remote/0/client.key',
      'default-load=true'
    ])
  })

  test('without TLS: no files, the other options as given; a comma in a path is CSV-quoted', () => {
    expect(remote.remoteTlsFiles({ other: ['default-load=false'] }, '/d', 'n')).toEqual({
      dirs: [],
      files: [],
      driverOpts: ['default-load=false']
    })
    const { tls: loaded } = remote.loadRemoteTls(remote.parseRemoteTls([`cacert=${path.join(pkiDir, 'ca.pem')}`, 'servername=bk']), NOW, {})
    expect(remote.remoteTlsFiles(loaded, '/r,d', 'n').driverOpts).toEqual(['"cacert=/r,d/ca.pem"', 'servername=bk'])
  })
})

describe('remoteCreateArgs, remoteNodeName, remoteOwnerOf', () => {
  test.each([
    [
      'the first node, with TLS and platforms',
      {
        name: 'rb',
        node: 'rb0-abc',
        endpoint: 'tcp://bk:1234',
        driverOpts: ['cacert=/r/ca.pem'],
        platforms: ['linux/amd64', 'linux/arm64'],
        use: true
      },
      [
        'buildx',
        'create',
        '--bootstrap',
        '--name',
        'rb',
        '--driver',
        'remote',
        '--node',
        'rb0-abc',
        '--driver-opt',
        'cacert=/r/ca.pem',
        '--platform',
        'linux/amd64,linux/arm64',
        '--use',
        'tcp://bk:1234'
      ]
    ],
    [
      'an appended node, not bootstrapped',
      {
        name: 'rb',
        node: 'rb1',
        endpoint: 'unix:///run/buildkit/buildkitd.sock',
        driverOpts: [],
        use: true,
        append: true,
        bootstrap: false
      },
      ['buildx', 'create', '--append', '--name', 'rb', '--node', 'rb1', 'unix:///run/buildkit/buildkitd.sock']
    ]
  ])('%s', (_what, options, expected) => {
    const args = remote.remoteCreateArgs(options)
    expect(args).toEqual(expected)
    // buildx's remote driver refuses both (driver/remote/factory.go).
    expect(args).not.toContain('--config')
    expect(args).not.toContain('--buildkitd-flags')
  })

  test.each([
    ['rb', 'f0e1d2c3-aaaa-bbbb-cccc-0123456789ab', 'rb0-f0e1d2c3-aaaa-bbbb-cccc-0123456789ab'],
    ['rb', '', 'rb0']
  ])('node name of %s with owner %j: %s, and the owner read back from it', (builder, mark, name) => {
    expect(owner.remoteNodeName(builder, mark)).toBe(name)
    expect(owner.remoteOwnerOf(builder, [{ Name: name }, { Name: 'rb1' }])).toBe(mark)
  })

  test('no builder: undefined; a first node named otherwise: no mark', () => {
    expect(owner.remoteOwnerOf('rb', [])).toBeUndefined()
    expect(owner.remoteOwnerOf('rb', [{ Name: 'other' }])).toBe('')
  })
})

// commands/inspect.go (buildx v0.29.1) for a remote builder over TLS: its format, written out.
const REMOTE_INSPECT = `Name:          rb
Driver:        remote
Last Activity: 2026-12-01 10:00:00 +0000 UTC

Nodes:
Name:             rb0-f0e1
Endpoint:         tcp://127.0.0.1:41234
Driver Options:   cacert="/tmp/r/ca.pem" cert="/tmp/r/client.crt" key="/tmp/r/client.key"
Status:           running
BuildKit version: v0.29.0
Platforms:        linux/arm64*, linux/amd64, linux/amd64/v2, linux/386
Labels:
 org.mobyproject.buildkit.worker.executor:    oci
 org.mobyproject.buildkit.worker.hostname:    bk
 org.mobyproject.buildkit.worker.network:     host
GC Policy rule#0:
 All:            false
 Filters:        type==source.local,type==exec.cachemount,type==source.git.checkout
 Keep Duration:  48h0m0s

Name:     rb1
Endpoint: tcp://10.0.0.9:1234
Error:    connection error: desc = "transport: error while dialing: dial tcp 10.0.0.9:1234: connect: connection refused"

Name:     rb2
Endpoint: tcp://10.0.0.10:1234
Status:   inactive
`

describe('parseInspect', () => {
  test('a docker-container builder (real capture): the node, its version, platforms and network; files are skipped', () => {
    const info = inspect.parseInspect(fixture('01-buildx-inspect.stdout'))
    expect(info).toMatchObject({ name: 'fx1', driver: 'docker-container' })
    expect(info.nodes).toHaveLength(1)
    expect(info.nodes[0]).toMatchObject({
      name: 'fx10',
      endpoint: 'unix:///var/run/docker.sock',
      status: 'running',
      version: 'v0.29.0',
      platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'],
      configured: [],
      network: 'host'
    })
    expect(Object.keys(info.nodes[0].labels)).toHaveLength(6)
  })

  test('a remote builder of three nodes: running, unreachable, inactive; configured platforms without the *', () => {
    const info = inspect.parseInspect(REMOTE_INSPECT)
    expect(info.nodes.map(n => [n.name, n.endpoint, n.status, n.error])).toEqual([
      ['rb0-f0e1', 'tcp://127.0.0.1:41234', 'running', undefined],
      ['rb1', 'tcp://10.0.0.9:1234', '', expect.stringContaining('connection refused')],
      ['rb2', 'tcp://10.0.0.10:1234', 'inactive', undefined]
    ])
    expect(info.nodes[0].platforms).toEqual(['linux/arm64', 'linux/amd64', 'linux/amd64/v2', 'linux/386'])
    expect(info.nodes[0].configured).toEqual(['linux/arm64'])
    expect(info.nodes[0].network).toBe('host')
  })

  test('a builder-level error', () => {
    expect(inspect.parseInspect('Name:   rb\nDriver: remote\nError:  no nodes\n')).toEqual({
      name: 'rb',
      driver: 'remote',
      error: 'no nodes',
      nodes: []
    })
  })

  test.each([
    [
      'rb0-f0e1',
      { version: 'v0.29.0', platforms: ['linux/arm64', 'linux/amd64', 'linux/amd64/v2', 'linux/386'], network: 'host', workers: 1 }
    ],
    ['rb1', { error: expect.stringContaining('connection refused') }],
    ['rb2', { error: expect.stringContaining('reports the node inactive') }],
    ['rb9', { error: 'buildx inspect lists no node rb9' }]
  ])('daemonFromInspect %s', (node, expected) => {
    expect(inspect.daemonFromInspect(inspect.parseInspect(REMOTE_INSPECT), node)).toEqual(expected)
  })
})

describe("verify-pull from the runner: buildx build --call outline, in prove.ts's format", () => {
  const ref = {
    input: 'alpine',
    registry: 'docker.io',
    repository: 'library/alpine',
    tag: 'latest',
    normalised: 'docker.io/library/alpine:latest'
  }
  const ctx = { tree: {}, certs: new Map() }

  test('a resolution that succeeded: parsed, and the host stays unknown without a daemon log', () => {
    const out = remote.resolveRecord(1, '#1 [internal] load metadata for docker.io/library/alpine:latest\n#1 DONE 0.4s\n', 0, 1)
    const [res] = parseResolveOutput(out, 1)
    expect(res).toEqual({
      exitCode: 0,
      stderr: '#1 [internal] load metadata for docker.io/library/alpine:latest\n#1 DONE 0.4s\n',
      timedOut: false
    })
    const judged = judgePull(ref, hostChain({}, 'docker.io'), res, undefined, ctx)
    expect(judged.pull).toMatchObject({ status: 'ok', ok: true, host: null, via_mirror: null })
  })

  test("buildx's error line is read as buildctl's", () => {
    const stderr =
      '#1 [internal] load metadata for docker.io/library/nope:latest\n#1 ERROR: docker.io/library/nope:latest: not found\nERROR: failed to build: ' +
      'failed to solve: docker.io/library/nope:latest: not found\n'
    const [res] = parseResolveOutput(remote.resolveRecord(1, stderr, 1, 2), 1)
    expect(res?.stderr).toContain('error: failed to solve: docker.io/library/nope:latest: not found')
    const judged = judgePull(ref, hostChain({}, 'docker.io'), res, undefined, ctx)
    expect(judged.pull.status).toBe('failed')
    expect(judged.pull.error).toMatch(/does not have the image.*\(daemon: docker.io\/library\/nope:latest: not found\)/)
  })

  test.each([
    [124, 30, true],
    [1, 31, true],
    [1, 2, false]
  ])('exit %d after %d s: timed out %s', (code, secs, timedOut) => {
    expect(parseResolveOutput(remote.resolveRecord(2, '', code, secs), 2)[1]?.timedOut).toBe(timedOut)
  })

  test('historyRef', () => {
    expect(remote.historyRef('{"buildx.build.ref":"rb/rb0/abc123"}')).toBe('abc123')
    expect(remote.historyRef('{}')).toBeUndefined()
    expect(remote.historyRef('not json')).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------
// The driver, with the process seam replaced

/** Writes buildx's record of a builder where unit tests' BUILDX_CONFIG points (setup.ts). */
function record(name: string, nodes: { Name: string; Endpoint: string; DriverOpts?: Record<string, string> }[]): void {
  const instances = path.join(process.env.BUILDX_CONFIG!, 'instances')
  fs.mkdirSync(instances, { recursive: true })
  fs.writeFileSync(path.join(instances, name), JSON.stringify({ Name: name, Driver: 'remote', Nodes: nodes, Dynamic: false }))
}
function unrecord(name: string): void {
  fs.rmSync(path.join(process.env.BUILDX_CONFIG!, 'instances', name), { force: true })
}

const plan = (nodes: string[][]): Plan => ({ builder: 'rb', nodes: nodes.map(createArgs => ({ createArgs })) }) as unknown as Plan

describe('the remote driver', () => {
  beforeEach(() => {
    unrecord('rb')
    process.env.RUNNER_TEMP = dir
  })

  test("create runs the plan's arguments (shown); several nodes are then connected together", async () => {
    const first = remote.remoteCreateArgs({
      name: 'rb',
      node: 'rb0-x',
      endpoint: 'tcp://a:1',
      driverOpts: [],
      use: false,
      bootstrap: false
    })
    const second = remote.remoteCreateArgs({
      name: 'rb',
      node: 'rb1',
      endpoint: 'tcp://b:1',
      driverOpts: [],
      use: false,
      append: true,
      bootstrap: false
    })
    await driver.create(plan([first, second]))
    expect(runs.map(r => [r.args.slice(0, 3).join(' '), r.show])).toEqual([
      ['buildx create --name', true],
      ['buildx create --append', true],
      ['buildx inspect --bootstrap', false]
    ])
  })

  test("observe: the daemon's answer from buildx inspect --bootstrap, run silently; nothing to read back", async () => {
    answer = () => ({ exitCode: 0, stdout: REMOTE_INSPECT, stderr: '' })
    const seen = await driver.readBackNode(plan([]), { Name: 'rb0-f0e1', Endpoint: 'tcp://127.0.0.1:41234' }, compare)
    expect(seen).toEqual({
      daemon: { version: 'v0.29.0', platforms: ['linux/arm64', 'linux/amd64', 'linux/amd64/v2', 'linux/386'], network: 'host', workers: 1 }
    })
    expect(runs).toEqual([{ command: 'docker', args: ['buildx', 'inspect', '--bootstrap', 'rb'], show: false }])
  })

  test("observe: an unreachable daemon is the daemon's error", async () => {
    answer = () => ({ exitCode: 1, stdout: '', stderr: 'ERROR: connection error: dial tcp 127.0.0.1:1: connect: connection refused\n' })
    const seen = await driver.readBackNode(plan([]), { Name: 'rb0', Endpoint: 'tcp://127.0.0.1:1' }, compare)
    expect(seen).toEqual({ daemon: { error: expect.stringMatching(/inspect --bootstrap failed \(exit code 1\): .*connection refused/) } })
  })

  test("owner, nodes and claim from buildx's record; remove removes the record", async () => {
    expect(driver.owner('rb')).toBeUndefined()
    await expect(driver.claim('rb', true)).resolves.toBe('rb')
    record('rb', [{ Name: 'rb0-f0e1d2c3-aaaa-bbbb-cccc-0123456789ab', Endpoint: 'tcp://a:1' }])
    expect(driver.owner('rb')).toBe('f0e1d2c3-aaaa-bbbb-cccc-0123456789ab')
    expect(driver.nodes('rb').map(n => n.Name)).toEqual(['rb0-f0e1d2c3-aaaa-bbbb-cccc-0123456789ab'])
    await expect(driver.claim('rb', true)).rejects.toThrow(/a builder named "rb" already exists/)
    await driver.remove('rb', true)
    expect(runs.at(-1)).toEqual({ command: 'docker', args: ['buildx', 'rm', 'rb'], show: true })
  })

  test('no daemon log: logSince fails (host unknown), logTail is empty', async () => {
    await expect(driver.logSince({ Name: 'rb0', Endpoint: 'tcp://a:1' }, 0)).rejects.toThrow(
      "a remote daemon's log can't be read from the runner"
    )
    await expect(driver.logTail({ Name: 'rb0', Endpoint: 'tcp://a:1' })).resolves.toBe('')
  })

  test('resolve: one outline build per reference through the builder, with a time limit; history records removed; nothing left', async () => {
    record('rb', [{ Name: 'rb0', Endpoint: 'tcp://a:1' }])
    const dockerfiles: string[] = []
    answer = (command, args) => {
      if (command === 'timeout') {
        const ctxDir = args[args.length - 1]
        dockerfiles.push(fs.readFileSync(path.join(ctxDir, 'Dockerfile'), 'utf8'))
        const meta = args[args.indexOf('--metadata-file') + 1]
        if (dockerfiles.length === 1) {
          fs.writeFileSync(meta, '{"buildx.build.ref":"rb/rb0/ref1"}')
          return { exitCode: 0, stdout: '{}', stderr: '#1 [internal] load metadata for docker.io/library/alpine:latest\n#1 DONE 0.1s\n' }
        }
        return { exitCode: 1, stdout: '', stderr: 'ERROR: failed to build: failed to solve: ghcr.io/x/y:1: not found\n' }
      }
      return { exitCode: 0, stdout: '', stderr: '' }
    }
    const res = await driver.resolve({ Name: 'rb0', Endpoint: 'tcp://a:1' }, ['docker.io/library/alpine:latest', 'ghcr.io/x/y:1'], 'rb')
    expect(dockerfiles).toEqual(['FROM docker.io/library/alpine:latest\n', 'FROM ghcr.io/x/y:1\n'])
    expect(runs.map(r => [r.command, ...r.args.slice(0, 7)].join(' '))).toEqual([
      'timeout --kill-after=5 30 docker buildx build --builder rb',
      'docker buildx history rm --builder rb ref1',
      'timeout --kill-after=5 30 docker buildx build --builder rb'
    ])
    expect(runs.every(r => !r.show)).toBe(true)
    expect(runs[0].args).toEqual(expect.arrayContaining(['--call', 'outline', '--progress', 'plain']))
    const parsed = parseResolveOutput(res.stdout, 2)
    expect(parsed.map(r => r?.exitCode)).toEqual([0, 1])
    expect(parsed[1]?.stderr).toContain('error: failed to solve: ghcr.io/x/y:1: not found')
    expect(fs.readdirSync(dir).filter(f => f.startsWith('buildkit-builder-prove-'))).toEqual([])
  })

  test('resolve on a builder of several nodes goes through a builder of that node alone, removed afterwards', async () => {
    record('rb', [
      { Name: 'rb0-x', Endpoint: 'tcp://a:1', DriverOpts: { cacert: '/r/ca.pem' } },
      { Name: 'rb1', Endpoint: 'tcp://b:1', DriverOpts: { cacert: '/r/1/ca.pem', servername: 'b' } }
    ])
    const res = await resolveFromRunner({ Name: 'rb1', Endpoint: 'tcp://b:1' }, ['docker.io/library/alpine:latest'], 'rb')
    expect(res.exitCode).toBe(0)
    const tmp = runs[0].args[runs[0].args.indexOf('--name') + 1]
    expect(tmp).toMatch(/^rb-prove-[0-9a-f]{8}$/)
    expect(runs[0].args).toEqual([
      'buildx',
      'create',
      '--name',
      tmp,
      '--driver',
      'remote',
      '--driver-opt',
      'cacert=/r/1/ca.pem',
      '--driver-opt',
      'servername=b',
      'tcp://b:1'
    ])
    expect(runs[1].args.slice(3, 7)).toEqual(['buildx', 'build', '--builder', tmp])
    expect(runs.at(-1)?.args).toEqual(['buildx', 'rm', tmp])
  })
})
