import { describe, expect, test } from '@jest/globals'
import { createArgs } from '../../../src/docker/buildx.js'
import { DEFAULT_FLAGS } from '../../../src/inputs/model.js'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { driverFor } from '../../../src/drivers/factory.js'
import { checkNodes as checkNodesWith, parseAppend as parseAppendWith, parsePlatforms } from '../../../src/inputs/nodes.js'
import type { NodeSpec } from '../../../src/inputs/model.js'
import { planFor as makePlan } from '../../inputs-model.js'
import * as yaml from 'yaml'
import * as os from 'node:os'
import { offers } from '../../../src/verify/compare.js'

// The driver's rules by its name, as the catalog hands them to inputs/ (drivers/factory.ts).
const parseAppend = (text: string, driver: string, defaultFlags: readonly string[], y: typeof yaml): NodeSpec[] =>
  parseAppendWith(text, { ...driverFor(driver), defaultFlags }, y)
const endpointProblem = (endpoint: string, driver: string): string | undefined => driverFor(driver).endpointProblem(endpoint)
const checkNodes = (builder: string, first: NodeSpec, appended: NodeSpec[], driver: string): NodeSpec[] =>
  checkNodesWith(builder, first, appended, driverFor(driver))

const from =
  (m: Record<string, string>) =>
  (name: string): string =>
    m[name] ?? ''
const host = { env: {}, home: os.tmpdir(), yaml }
const withYaml = (m: Record<string, string>): [(name: string) => string, typeof host] => [from(m), host]

describe('parseAppend', () => {
  test("setup-buildx-action's fields; a node without flags gets the default ones", () => {
    const text = [
      '- name: Arm-Node',
      '  endpoint: ssh://me@arm.example',
      '  driver-opts:',
      '    - image=moby/buildkit:v0.29.0',
      '    - network=host',
      '  buildkitd-flags: --debug --allow-insecure-entitlement "network.host"',
      '  platforms: linux/arm64,linux/arm/v7',
      '- endpoint: ctx2',
      '  driver-opts: env.A=b'
    ].join('\n')
    expect(parseAppend(text, 'docker-container', DEFAULT_FLAGS, yaml)).toEqual([
      {
        name: 'arm-node',
        endpoint: 'ssh://me@arm.example',
        driverOpts: ['image=moby/buildkit:v0.29.0', 'network=host'],
        buildkitdFlags: ['--debug', '--allow-insecure-entitlement', 'network.host'],
        platforms: ['linux/arm64', 'linux/arm/v7'],
        label: 'append[0]',
        append: 0
      },
      { endpoint: 'ctx2', driverOpts: ['env.A=b'], buildkitdFlags: [...DEFAULT_FLAGS], platforms: [], label: 'append[1]', append: 1 }
    ])
  })

  test.each([
    ['name: x', /input "append": must be a YAML list of nodes/],
    ['- [a, b]', /line 1: append\[0\]: is not a mapping/],
    [
      '- endpoint: ctx2\n- endpoint: ctx3\n  nodes: 2',
      /line 3: append\[1\]: unknown field "nodes"; a node has name, endpoint, driver-opts, buildkitd-flags, platforms/
    ],
    ['- endpoint: ctx2\n  name: 1node', /line 2: append\[0\]: name "1node" must start with a letter/],
    ['- endpoint: ctx2\n  driver-opts:\n    - image', /line 3: append\[0\]: driver-opts: "image" is not key=value/],
    ['- endpoint: ctx2\n  driver-opts:\n    - {a: b}', /append\[0\]: driver-opts must be a list of strings/],
    ['- endpoint: ctx2\n  platforms: linux', /line 2: append\[0\]: "linux" is not a platform/],
    ['- endpoint: ctx2\n  buildkitd-flags: "--config x"', /append\[0\]: buildkitd-flags: --config is set by this action/],
    ['- endpoint: ctx2\n  buildkitd-flags: "--x \'y"', /append\[0\]: buildkitd-flags: a quote is not closed/],
    ['- endpoint: "http://x"', /append\[0\]: endpoint: "http:\/\/x" is neither a docker context name nor a docker host/],
    ['- endpoint: ctx2\n  endpoint: ctx3', /input "append", line 2: is not valid YAML: Map keys must be unique/],
    ['- endpoint: [a', /is not valid YAML/]
  ])('%j: %s', (text, message) => {
    expect(() => parseAppend(text, 'docker-container', DEFAULT_FLAGS, yaml)).toThrow(message)
  })

  test('kubernetes nodes take no endpoint; remote nodes need a BuildKit address', () => {
    expect(() => parseAppend('- endpoint: ctx2', 'kubernetes', [], yaml)).toThrow(/the kubernetes driver takes no endpoint/)
    expect(() => parseAppend('- name: n1', 'remote', [], yaml)).toThrow(/the remote driver needs an endpoint/)
    expect(parseAppend('- endpoint: tcp://10.0.0.2:1234', 'remote', [], yaml)[0].endpoint).toBe('tcp://10.0.0.2:1234')
  })
})

describe('endpointProblem and parsePlatforms', () => {
  test.each([
    ['', 'docker-container', undefined],
    ['my-context', 'docker-container', undefined],
    ['tcp://10.0.0.2:2376', 'docker-container', undefined],
    ['ssh://user@host', 'docker-container', undefined],
    ['has space', 'docker-container', 'is neither'],
    ['ctx', 'remote', 'is not a BuildKit address'],
    ['', 'remote', 'needs an endpoint']
  ])('%j with %s', (ep, driver, problem) => {
    const p = endpointProblem(ep, driver)
    if (problem === undefined) expect(p).toBeUndefined()
    else expect(p).toContain(problem)
  })

  test('platforms: comma- or line-separated, deduplicated, checked', () => {
    expect(parsePlatforms('platforms', 'linux/amd64, linux/arm64\nlinux/amd64')).toEqual(['linux/amd64', 'linux/arm64'])
    expect(() => parsePlatforms('platforms', 'linux/amd64,arm64')).toThrow('input "platforms": "arm64" is not a platform')
  })
})

describe('checkNodes', () => {
  const node = (label: string, endpoint: string, name?: string): NodeSpec => ({
    label,
    endpoint,
    name,
    driverOpts: [],
    buildkitdFlags: [],
    platforms: []
  })

  test('unnamed appended nodes get the names buildx would give (first free <builder><n>)', () => {
    const nodes = checkNodes(
      'b',
      node('the first node', ''),
      [node('append[0]', 'c1', 'b1'), node('append[1]', 'c2'), node('append[2]', 'c3')],
      'docker-container'
    )
    expect(nodes.map(n => n.name)).toEqual([undefined, 'b1', 'b2', 'b3'])
  })

  // buildx names every driver's nodes alike (store/nodegroup.go nextNodeName): kubernetes
  // nodes too, whose Deployments are named after them; they have no endpoints to share.
  test('kubernetes: unnamed appended nodes get <builder><n> too, and need no endpoint', () => {
    const nodes = checkNodes('k', node('the first node', ''), [node('append[0]', '', 'arm_node'), node('append[1]', '')], 'kubernetes')
    expect(nodes.map(n => n.name)).toEqual([undefined, 'arm_node', 'k1'])
    expect(() => checkNodes('k', node('the first node', ''), [node('append[0]', '', 'k0')], 'kubernetes')).toThrow(
      /append\[0\]: node name "k0" is taken by another node/
    )
  })

  test.each([
    [[node('append[0]', 'c1', 'b0')], /append\[0\]: node name "b0" is taken by another node \(buildx would change that node/],
    [[node('append[0]', 'c1', 'x'), node('append[1]', 'c2', 'x')], /append\[1\]: node name "x" is taken/],
    [[node('append[0]', '')], /append\[0\]: has no endpoint/],
    [
      [node('append[0]', 'c1'), node('append[1]', 'c1')],
      /append\[1\]: endpoint "c1" is also append\[0\]'s; buildx refuses two nodes on one endpoint/
    ]
  ])('%#: refused', (appended, message) => {
    expect(() => checkNodes('b', node('the first node', ''), appended, 'docker-container')).toThrow(message)
  })

  test("the first node's endpoint counts too", () => {
    expect(() => checkNodes('b', node('the first node', 'c1'), [node('append[0]', 'c1')], 'docker-container')).toThrow(
      /also the first node's/
    )
  })
})

describe('inputs with several nodes', () => {
  test('endpoint and platforms set the first node; append adds nodes', () => {
    const inputs = getInputs(
      ...withYaml({ name: 'mn', endpoint: 'ctx1', platforms: 'linux/amd64', append: '- endpoint: ctx2\n  platforms: linux/arm64' })
    )
    expect(inputs.nodes.map(n => [n.label, n.name, n.endpoint, n.platforms])).toEqual([
      ['the first node', undefined, 'ctx1', ['linux/amd64']],
      ['append[0]', 'mn1', 'ctx2', ['linux/arm64']]
    ])
  })

  test.each([
    [
      { cni: 'true', append: '- endpoint: ctx2' },
      /input "cni": true with append\[0\] on endpoint "ctx2": the CNI image this action builds exists only on the runner's engine/
    ],
    [{ cni: 'true', endpoint: 'ssh://x@y' }, /input "cni": true with the first node on endpoint "ssh:\/\/x@y"/],
    [
      { 'cni-image': 'corp/cni:1', append: '- endpoint: ctx2\n  driver-opts: [image=x]' },
      /input "append \(append\[0\] driver-opts\)": "image=x" conflicts with cni-image/
    ],
    [
      { cni: 'bridge', append: '- endpoint: ctx2\n  buildkitd-flags: --oci-worker-net=host' },
      /input "append \(append\[0\] buildkitd-flags\)": --oci-worker-net overrides/
    ],
    [
      { append: '- endpoint: ctx2\n  buildkitd-flags: --oci-cni-config-path=/x' },
      /input "append \(append\[0\] buildkitd-flags\)": --oci-cni-config-path does not work/
    ],
    [{ endpoint: 'not a host' }, /input "endpoint": "not a host" is neither/]
  ])('%j', (m, message) => {
    expect(() => getInputs(...withYaml(m))).toThrow(message)
  })

  test('cni-image and cni: bridge work with nodes elsewhere (the image is pulled there)', () => {
    expect(getInputs(...withYaml({ 'cni-image': 'corp/cni:1', append: '- endpoint: ctx2' })).nodes).toHaveLength(2)
    expect(getInputs(...withYaml({ cni: 'bridge', append: '- endpoint: ctx2' })).nodes).toHaveLength(2)
  })
})

describe('plan and create arguments for several nodes', () => {
  test('every node gets the config and the owner mark; appended nodes are named; all boot together', () => {
    const inputs = getInputs(
      ...withYaml({
        name: 'mn',
        'buildkitd-flags': '--debug',
        platforms: 'linux/amd64',
        append: '- endpoint: ctx2\n  driver-opts: [network=host]'
      })
    )
    const plan = makePlan(inputs, [], '/tmp/run', { driverOpts: ['image=corp/cni:1'] }, 'own')
    expect(plan.nodes.map(n => n.createArgs)).toEqual([
      [
        'buildx',
        'create',
        '--name',
        'mn',
        '--driver',
        'docker-container',
        '--config',
        '/tmp/run/buildkitd.toml',
        '--driver-opt',
        'env.BUILDKIT_BUILDER_ACTION_OWNER=own',
        '--driver-opt',
        'image=corp/cni:1',
        '--buildkitd-flags',
        '--debug',
        '--platform',
        'linux/amd64',
        '--use'
      ],
      [
        'buildx',
        'create',
        '--append',
        '--name',
        'mn',
        '--node',
        'mn1',
        '--config',
        '/tmp/run/buildkitd.toml',
        '--driver-opt',
        'env.BUILDKIT_BUILDER_ACTION_OWNER=own',
        '--driver-opt',
        'network=host',
        '--driver-opt',
        'image=corp/cni:1',
        '--buildkitd-flags',
        '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host',
        'ctx2'
      ]
    ])
    expect(plan.nodes.map(n => [n.name, n.args.slice(2)])).toEqual([
      ['mn0', ['--debug']],
      ['mn1', [...DEFAULT_FLAGS]]
    ])
  })

  test('one node: create --bootstrap, as before', () => {
    expect(createArgs({ name: 'b', driver: 'docker-container', configPath: '/c', driverOpts: [], buildkitdFlags: [], use: false })).toEqual(
      ['buildx', 'create', '--bootstrap', '--name', 'b', '--driver', 'docker-container', '--config', '/c']
    )
  })
})

describe("offers (a node's platforms against its daemon's)", () => {
  const amd = ['linux/amd64', 'linux/amd64/v2', 'linux/386']
  test.each([
    [amd, 'linux/amd64', true],
    [amd, 'linux/amd64/v2', true],
    [amd, 'linux/amd64/v4', false],
    [amd, 'linux/arm64', false],
    [['linux/arm64', 'linux/arm/v7'], 'linux/arm64/v8', true],
    [['linux/arm64'], 'linux/aarch64', true],
    [['linux/arm/v7'], 'linux/arm', true],
    [['linux/arm/v6'], 'linux/arm/v7', false],
    [amd, 'windows/amd64', false]
  ])('%j offers %s: %s', (offered, p, ok) => expect(offers(offered, p)).toBe(ok))
})

describe('endpointProblem: no host or user that reads as an option', () => {
  test.each([
    ['ssh://-oProxyCommand=x', 'docker-container', /host starts with "-"/],
    ['ssh://-oProxyCommand=x@h', 'docker-container', /user starts with "-"/],
    ['tcp://-x:2375', 'docker-container', /host starts with "-"/],
    ['tcp://-x:1234', 'remote', /host starts with "-"/],
    ['ssh://u@-h', 'remote', /host starts with "-"/]
  ])('%s (%s)', (endpoint, driver, re) => expect(endpointProblem(endpoint, driver)).toMatch(re))
  test.each([
    ['ssh://user@host', 'docker-container'],
    ['ssh://a-b@h-1:22', 'docker-container'],
    ['tcp://buildkitd:1234', 'remote'],
    ['unix:///run/buildkit/buildkitd.sock', 'remote'],
    ['my-context', 'docker-container']
  ])('%s (%s) is taken', (endpoint, driver) => expect(endpointProblem(endpoint, driver)).toBeUndefined())
})

describe('name lengths that fit buildx_buildkit_<node>_state in 255 bytes', () => {
  const get = (m: Record<string, string>) => (n: string) => m[n] ?? ''
  const host = { env: {}, home: os.tmpdir(), yaml }
  test('a 231-character builder and a 233-character appended node are taken', () => {
    const name = 'b'.repeat(231)
    const inputs = getInputs(get({ name, append: `- name: ${'n'.repeat(233)}\n  endpoint: ctx2\n` }), host)
    expect(inputs.name).toBe(name)
    expect(`buildx_buildkit_${inputs.nodes[0].name ?? `${name}0`}_state`.length).toBeLessThanOrEqual(255)
    expect(`buildx_buildkit_${inputs.nodes[1].name}_state`.length).toBe(255)
  })
  test('a 217-character remote builder is taken: <name>0-<uuid> fits 255', () => {
    expect(getInputs(get({ driver: 'remote', endpoint: 'tcp://bk:1234', name: 'r'.repeat(217) }), host).name).toHaveLength(217)
  })
})
