import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as yaml from 'yaml'
import * as path from 'node:path'
import { loadRegistryCerts } from '../../../src/config/certs.js'
import { claimFreeName } from '../../../src/drivers/common.js'
import { driverFor } from '../../../src/drivers/factory.js'
import { keptBuilder } from '../../../src/drivers/kept.js'
import { keptFromEnvOpt } from '../../../src/drivers/docker-container/owner.js'
import { withLabelMark } from '../../../src/drivers/kubernetes/owner.js'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { checkKept, endpointAsRecorded, keptDifferences, keptRefusal } from '../../../src/verify/kept.js'
import { planFor } from '../../inputs-model.js'
import { pkiDir } from '../../helpers.js'

// The comparison of a kept builder with this run's inputs, against buildx's real record of a
// kept builder (__tests__/fixtures/buildx/instance-kept-fx.json: made by the action with
// cleanup: false, buildx 0.29.1, the inputs of CREATED below). This run plans from its own
// RUNNER_TEMP with its own owner mark, as a later job does.

const NOW = new Date('2027-01-01T00:00:00Z')
const fixtures = path.join(import.meta.dirname, '..', '..', 'fixtures')
const RECORD = fs.readFileSync(path.join(fixtures, 'buildx', 'instance-kept-fx.json'), 'utf8')
const pki2 = (f: string): string => path.join(fixtures, 'pki2', f)
const pki = (f: string): string => path.join(pkiDir, f)

/** The inputs of the run that made the fixture. */
const CREATED: Record<string, string> = {
  name: 'kept-fx',
  cleanup: 'false',
  mirrors: 'docker.io=mirror.gcr.io',
  'image-via-mirror': 'false',
  debug: 'true',
  'registry-certs': `registry.corp.example ca=${pki('ca.pem')} cert=${pki('client.crt')} key=${pki('client.key')}`,
  platforms: 'linux/amd64',
  'driver-opts': 'image=moby/buildkit:v0.29.0\nnetwork=host'
}

const instances = (): string => path.join(process.env.BUILDX_CONFIG!, 'instances')
/** Writes buildx's record of a builder where unit tests' BUILDX_CONFIG points (setup.ts). */
function record(name: string, json: string): void {
  fs.mkdirSync(instances(), { recursive: true })
  fs.writeFileSync(path.join(instances(), name), json)
}
// The masks of the fixture's key and the step's log line go to stdout: not shown here.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
  fs.rmSync(instances(), { recursive: true, force: true })
})

/** The fixture's record changed as `edit` says (a kept builder made otherwise). */
function edited(edit: (node: Record<string, unknown> & { DriverOpts: Record<string, string> }) => void): string {
  const rec = JSON.parse(RECORD) as { Nodes: (Record<string, unknown> & { DriverOpts: Record<string, string> })[] }
  edit(rec.Nodes[0])
  return JSON.stringify(rec)
}

/** What this run's inputs differ in from the kept builder buildx recorded. */
function differences(inputs: Record<string, string>, json = RECORD): string[] {
  record('kept-fx', json)
  const model = getInputs(n => inputs[n] ?? '', { env: process.env, home: os.homedir(), yaml })
  const driver = driverFor(model.driver)
  const kept = keptBuilder(driver, 'kept-fx')
  if (kept === undefined) throw new Error('not a kept builder')
  const { sets } = loadRegistryCerts(model.certRequests, NOW, process.env)
  const plan = planFor(model, sets, '/home/runner/work/_temp/buildkit-builder-Later1', {}, 'a-later-run')
  return keptDifferences(
    kept,
    { driver: driver.name, keepState: model.keepState, nodes: plan.nodes, expect: plan.expect },
    driver.withoutOwner
  )
}

describe('keptDifferences: a kept builder as buildx recorded it, against the inputs of a later run', () => {
  test.each([
    ['the same inputs, another RUNNER_TEMP and owner mark, cleanup on', { cleanup: 'true' }, []],
    ['the same inputs with cleanup: false again', {}, []],
    ['the certificate from env:NAME instead of the same file', {}, []],
    ['endpoint: the default context as buildx records it', { endpoint: 'unix:///var/run/docker.sock' }, []],
    [
      'another mirror',
      { mirrors: 'docker.io=mirror.corp.example' },
      [
        'config: 1 key differs (expected: what the inputs render; in builder: the kept builder\'s):\n  registry."docker.io".mirrors\n' +
          '    - expected: ["mirror.corp.example"]\n    + in builder: ["mirror.gcr.io"]'
      ]
    ],
    [
      'debug off',
      { debug: 'false' },
      [
        "config: 1 key differs (expected: what the inputs render; in builder: the kept builder's):\n  debug\n    - expected: false\n    + in builder: true"
      ]
    ],
    [
      'another CA under the same name',
      { 'registry-certs': `registry.corp.example ca=${pki2('ca.pem')} cert=${pki('client.crt')} key=${pki('client.key')}` },
      [
        expect.stringMatching(
          new RegExp(
            String.raw`^CA for registry\.corp\.example \(.*pki2/ca\.pem\): /etc/buildkit/certs/registry\.corp\.example/ca-fcaaba7c-0\.pem ` +
              String.raw`in the kept builder has SHA-256 [0-9a-f]{64}, the inputs' [0-9a-f]{64}$`
          )
        )
      ]
    ],
    [
      'no certificates any more',
      { 'registry-certs': '' },
      [
        expect.stringMatching(/^config: 1 key differs[^]*registry\."registry\.corp\.example"\n {4}- expected: \(absent\)/),
        '/etc/buildkit/certs/registry.corp.example/ca-fcaaba7c-0.pem: the kept builder has this certificate file, the inputs give none there',
        '/etc/buildkit/certs/registry.corp.example/client-fcaaba7c-0.crt: the kept builder has this certificate file, the inputs give none there',
        '/etc/buildkit/certs/registry.corp.example/client-fcaaba7c-0.key: the kept builder has this certificate file, the inputs give none there'
      ]
    ],
    [
      'another image',
      { 'driver-opts': 'image=moby/buildkit:v0.32.2\nnetwork=host' },
      ['image (driver-opt image=): the kept builder has "moby/buildkit:v0.29.0", the inputs ask "moby/buildkit:v0.32.2"']
    ],
    [
      "buildx's default image",
      { 'driver-opts': 'network=host' },
      ['image (driver-opt image=): the kept builder has "moby/buildkit:v0.29.0", the inputs ask (not set)']
    ],
    [
      'one more driver-opt',
      { 'driver-opts': 'image=moby/buildkit:v0.29.0\nnetwork=host\nenv.TZ=UTC' },
      ['driver-opt env.TZ: the kept builder has (not set), the inputs ask "UTC"']
    ],
    [
      'other daemon flags',
      { 'buildkitd-flags': '--debug' },
      [
        'daemon flags (buildkitd-flags): the kept builder\'s daemon has "--allow-insecure-entitlement security.insecure ' +
          '--allow-insecure-entitlement network.host", the inputs ask "--debug"'
      ]
    ],
    ['another platform', { platforms: 'linux/arm64' }, ["platforms: the kept builder's node has linux/amd64, the inputs ask linux/arm64"]],
    ['no platforms', { platforms: '' }, ["platforms: the kept builder's node has linux/amd64, the inputs ask none (the daemon's)"]],
    ['keep-state', { 'keep-state': 'true' }, ['keep-state: the kept builder was created with keep-state false, the inputs ask true']],
    [
      'another endpoint',
      { endpoint: 'tcp://10.0.0.1' },
      ["endpoint: the kept builder's node is on unix:///var/run/docker.sock, the inputs ask tcp://10.0.0.1"]
    ],
    [
      'a second node',
      { append: '- name: two\n  endpoint: ctx2' },
      ['nodes: the kept builder has 1 (kept-fx0), the inputs ask 2 (the first node and append)']
    ],
    [
      'several at once: each named, by node',
      { debug: 'false', 'keep-state': 'true', 'buildkitd-flags': '--debug' },
      [
        'keep-state: the kept builder was created with keep-state false, the inputs ask true',
        expect.stringMatching(/^daemon flags/),
        expect.stringMatching(/^config: 1 key differs/)
      ]
    ]
  ] as [string, Record<string, string>, unknown[]][])('%s', (title, change, expected) => {
    const inputs = { ...CREATED, ...change }
    // The same PEM from an environment variable: only the content counts, never where it came from.
    if (title.includes('env:NAME')) {
      process.env.KEPT_TEST_CA = fs.readFileSync(pki('ca.pem'), 'utf8')
      inputs['registry-certs'] = `registry.corp.example ca=env:KEPT_TEST_CA cert=${pki('client.crt')} key=${pki('client.key')}`
    }
    expect(differences(inputs)).toEqual(expected)
  })

  test.each([
    [
      "buildx's own network.host flag after the given flags",
      (n: Record<string, unknown>) => (n.Flags = [...(n.Flags as string[]), '--allow-insecure-entitlement=network.host']),
      []
    ],
    [
      'the owner mark of another run',
      (n: { DriverOpts: Record<string, string> }) => (n.DriverOpts['env.BUILDKIT_BUILDER_ACTION_OWNER'] = 'x'),
      []
    ],
    [
      'platforms as buildx normalises them (linux/amd64 recorded, linux/x86_64 asked)',
      (n: Record<string, unknown>) => (n.Platforms = [{ os: 'linux', architecture: 'amd64' }]),
      []
    ],
    [
      'a kept mark this action does not read',
      (n: { DriverOpts: Record<string, string> }) => (n.DriverOpts['env.BUILDKIT_BUILDER_ACTION_KEPT'] = 'v9'),
      ["keep-state: the kept builder's mark says nothing this action reads (made by another version?)"]
    ],
    [
      'made with keep-state: true',
      (n: { DriverOpts: Record<string, string> }) => (n.DriverOpts['env.BUILDKIT_BUILDER_ACTION_KEPT'] = 'keep-state-true'),
      ['keep-state: the kept builder was created with keep-state true, the inputs ask false']
    ],
    [
      'another node name',
      (n: Record<string, unknown>) => (n.Name = 'other0'),
      ["node name: the kept builder's is other0, the inputs ask kept-fx0"]
    ],
    [
      'no config recorded',
      (n: Record<string, unknown>) => (n.Files = null),
      expect.arrayContaining(["config: the kept builder's node was created without a buildkitd.toml"])
    ]
  ] as [string, (n: never) => void, unknown][])('the record: %s', (title, edit, expected) => {
    const inputs = title.includes('x86_64') ? { ...CREATED, platforms: 'linux/x86_64' } : CREATED
    expect(differences(inputs, edited(edit as (n: unknown) => void))).toEqual(expected)
  })

  test('a builder whose nodes do not all carry the kept mark is not a kept one: claimFreeName refuses it as today', () => {
    record(
      'kept-fx',
      edited(n => delete n.DriverOpts['env.BUILDKIT_BUILDER_ACTION_KEPT'])
    )
    expect(keptBuilder(driverFor('docker-container'), 'kept-fx')).toBeUndefined()
    expect(() => claimFreeName('kept-fx', keptFromEnvOpt)).toThrow(
      /^a builder named "kept-fx" already exists and is not a kept builder of this action/
    )
    record('kept-fx', RECORD)
    expect(claimFreeName('kept-fx', keptFromEnvOpt)).toBe('kept-fx')
  })

  test.each(['remote', 'docker'])('the %s driver never reuses a builder', driver => {
    record('kept-fx', RECORD)
    expect(keptBuilder(driverFor(driver), 'kept-fx')).toBeUndefined()
  })

  test("kubernetes: the marks are labels; a user's labels are compared, the marks never", () => {
    const node = (owner: string, labels: string[]) => ({
      Name: 'k0',
      Endpoint: 'kubernetes:///k?deployment=buildkit-x&kubeconfig=',
      Platforms: null,
      DriverOpts: Object.fromEntries(
        withLabelMark(owner, ['namespace=ci', ...labels], 'keep-state-false').flatMap(l => [
          l.replace(/^"|"$/g, '').split(/=(.*)/s).slice(0, 2)
        ])
      ),
      Flags: [
        '--config',
        '/etc/buildkit/buildkitd.toml',
        '--allow-insecure-entitlement',
        'security.insecure',
        '--allow-insecure-entitlement',
        'network.host'
      ],
      Files: { 'buildkitd.toml': Buffer.from('debug = true\n').toString('base64') }
    })
    const inputs = { name: 'k', driver: 'kubernetes', cleanup: 'false', debug: 'true', 'driver-opts': 'namespace=ci\nlabels=team=a' }
    const rec = (labels: string[]) => JSON.stringify({ Name: 'k', Driver: 'kubernetes', Nodes: [node('first-run', labels)] })
    record('k', rec(['labels=team=a']))
    const model = getInputs(n => (inputs as Record<string, string>)[n] ?? '')
    const driver = driverFor('kubernetes')
    const plan = planFor(model, [], '/tmp/run-k', {}, 'later-run')
    const diff = (): string[] => {
      const kept = keptBuilder(driver, 'k')
      if (kept === undefined) throw new Error('not kept')
      return keptDifferences(kept, { driver: 'kubernetes', keepState: false, nodes: plan.nodes, expect: plan.expect }, driver.withoutOwner)
    }
    expect(diff()).toEqual([])
    record('k', rec(['labels=team=b']))
    expect(diff()).toEqual(['driver-opt labels: the kept builder has "team=b", the inputs ask "team=a"'])
  })
})

describe('checkKept: the step', () => {
  test('a difference is the refusal: each difference, and the ways out', () => {
    record('kept-fx', RECORD)
    const inputs: Record<string, string> = { ...CREATED, debug: 'false' }
    const model = getInputs(n => inputs[n] ?? '')
    const driver = driverFor('docker-container')
    const { sets } = loadRegistryCerts(model.certRequests, NOW, {})
    const plan = planFor(model, sets, '/tmp/run-x', {}, 'x')
    const kept = keptBuilder(driver, 'kept-fx')!
    expect(() => checkKept(driver, plan, false, kept)).toThrow(
      keptRefusal('kept-fx', [
        "config: 1 key differs (expected: what the inputs render; in builder: the kept builder's):\n  debug\n    - expected: false\n    + in builder: true"
      ])
    )
    expect(keptRefusal('b', ['x'])).toBe(
      'builder b is a kept builder (an earlier run created it with cleanup: false) that differs from what the inputs ask:\n- x\n' +
        'Nothing was changed. Give the inputs it was created with, choose another name (or leave name empty for a generated one), ' +
        'or remove it with "docker buildx rm b" (add --keep-state to keep its cache) when no job uses it, and the next run creates it anew'
    )
  })
})

describe('endpointAsRecorded', () => {
  test.each([
    ['', undefined],
    ['default', undefined],
    ['ctx2', 'ctx2'],
    ['tcp://10.0.0.1', 'tcp://10.0.0.1:2375'],
    ['tcp://10.0.0.1:2376', 'tcp://10.0.0.1:2376'],
    ['tcp://[::1]', 'tcp://[::1]:2375'],
    ['ssh://ci@host', 'ssh://ci@host'],
    ['unix:///var/run/docker.sock', 'unix:///var/run/docker.sock']
  ])('%j → %j', (endpoint, recorded) => expect(endpointAsRecorded(endpoint)).toBe(recorded))
})
