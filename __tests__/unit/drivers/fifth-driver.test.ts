import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { fixture, stepFiles } from '../../helpers.js'

// A fifth driver is one folder and one line in the catalog (CONTRIBUTING.md, "How to add a
// driver"): this test registers a driver that is not shipped, "dummy", whose daemon is a
// record in memory, and runs the whole main step and post step with it. Nothing outside
// the catalog is told about it: inputs/ takes its rules, plan/ its nodes, verify/ its
// read-back, the teardown its removal.
const real = await import('../../../src/drivers/factory.js')
const { planConfigNodes } = await import('../../../src/drivers/common.js')
const { parseWorkers } = await import('../../../src/buildkit/daemon-info.js')
const { renderToml } = await import('../../../src/config/toml.js')
type Driver = import('../../../src/drivers/driver.js').Driver

/** The dummy's daemons: builder → what its one node runs with. */
const daemons = new Map<string, { owner: string; config: string; args: string[] }>()
const calls: string[] = []
/** What the dummy's daemon reads back: the planned config unless a test changes it. */
let tamper = (config: string): string => config

const dummy: Driver = {
  name: 'dummy',
  createsBuilder: true,
  takesConfig: true,
  defaultFlags: ['--debug'],
  maxBuilderName: { length: 40, why: "the dummy's own limit" },
  maxNodeName: { length: 42, why: "the dummy's own limit" },
  nodeEndpoints: true,
  usesEngine: true,
  endpointProblem: endpoint => (endpoint === '' ? undefined : 'the dummy driver takes no endpoint'),
  inputProblems: inputs => (inputs.keepState ? [{ input: 'keep-state', message: 'the dummy keeps no state' }] : []),
  keptKeysPlace: "in the dummy's memory",
  planNodes: ctx => planConfigNodes('dummy', ctx, { mark: (owner, opts) => [`owner=${owner}`, ...opts] }),
  claim: async asked => {
    if (daemons.has(asked)) throw new Error(`a builder named "${asked}" already exists`)
    return asked
  },
  create: async plan => {
    calls.push(`create ${plan.builder}`)
    const owner = plan.nodes[0].createArgs.find(a => a.startsWith('owner='))?.slice('owner='.length) ?? ''
    daemons.set(plan.builder, { owner, config: renderToml(plan.expect.config), args: plan.nodes[0].args })
  },
  readBackNode: async (plan, node) => {
    calls.push(`read back ${node.Name}`)
    const d = daemons.get(plan.builder)
    if (!d) return { daemon: { error: 'no daemon' } }
    return { daemon: parseWorkers(fixture('01-workers-json.stdout')), readBack: { configText: tamper(d.config), cmd: d.args } }
  },
  resolve: () => Promise.reject(new Error('the dummy resolves nothing')),
  readsDaemonLog: false,
  logSince: async () => '',
  logTail: async () => '',
  owner: builder => daemons.get(builder)?.owner,
  withoutOwner: opts => Object.entries(opts ?? {}).flatMap(([k, v]) => (k === 'owner' ? [] : [`${k}=${v}`])),
  nodes: builder => (daemons.has(builder) ? [{ Name: `${builder}0`, Endpoint: 'memory://', DriverOpts: {} }] : []),
  occupant: async () => undefined,
  leave: async () => ({ ok: true, message: '' }),
  remove: async builder => (calls.push(`remove ${builder}`), daemons.delete(builder), { ok: true, message: '' })
}

// The registration: the catalog with the shipped drivers and the dummy, in place of the shipped one.
const withDummy = real.catalogOf([...real.catalog.names.map(n => real.catalog.driver(n)), dummy])
jest.unstable_mockModule('../../../src/drivers/factory.js', () => ({ ...real, catalog: withDummy, driverFor: withDummy.driver }))
// The engine and buildx are asked for their versions before anything else; the dummy needs neither.
const cli = await import('../../../src/docker/cli.js')
jest.unstable_mockModule('../../../src/docker/cli.js', () => ({
  ...cli,
  toolVersions: async () => ({ docker: '28.0.0', buildx: 'github.com/docker/buildx v0.29.1 abc' })
}))
const { getInputs } = await import('../../../src/drivers/read-inputs.js')
const { runMain } = await import('../../../src/main.js')
const { runPost } = await import('../../../src/post.js')
const { resetRecord } = await import('../../../src/runner/state.js')

const { dir, reset, outputs, state, runDirs, remove } = stepFiles('fifth-driver-')
const saved = { ...process.env }
afterAll(remove)
beforeEach(() => {
  calls.length = 0
  daemons.clear()
  tamper = config => config
  resetRecord()
  reset({ INPUT_DRIVER: 'dummy', INPUT_NAME: 'fifth', INPUT_MIRRORS: 'docker.io=mirror.gcr.io' })
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
})

describe('a fifth driver, registered in the catalog only', () => {
  const read = (inputs: Record<string, string>) => getInputs(n => inputs[n] ?? '', { env: {}, home: dir })

  test('the inputs take its name and its rules: default flags, name limit, endpoint, its input problems', () => {
    const inputs = read({ driver: 'dummy', name: 'b' })
    expect(inputs.driver).toBe('dummy')
    expect(inputs.nodes[0].buildkitdFlags).toEqual(['--debug'])
    expect(() => read({ driver: 'dummy', name: `b${'x'.repeat(40)}` })).toThrow("a builder name has at most 40 (the dummy's own limit")
    expect(() => read({ driver: 'dummy', endpoint: 'ctx' })).toThrow('input "endpoint": the dummy driver takes no endpoint')
    expect(() => read({ driver: 'dummy', 'keep-state': 'true' })).toThrow('input "keep-state": the dummy keeps no state')
    expect(() => read({ driver: 'cloud' })).toThrow(
      'driver "cloud" is not supported; docker-container, kubernetes, remote, docker and dummy are'
    )
  })

  test('main creates, verifies and reports with it; post removes it', async () => {
    await runMain()
    expect(calls).toEqual(['create fifth', 'read back fifth0'])
    expect(outputs()).toMatchObject({
      name: 'fifth',
      driver: 'dummy',
      verified: 'true',
      'buildkit-version': 'v0.29.0',
      config: '[registry."docker.io"]\nmirrors = [ "mirror.gcr.io" ]\n'
    })
    for (const [k, v] of Object.entries(state())) process.env[`STATE_${k}`] = v
    resetRecord()
    await runPost()
    expect(calls).toEqual(['create fifth', 'read back fifth0', 'remove fifth'])
    expect(daemons.size).toBe(0)
    expect(runDirs()).toEqual([])
  })

  test('a daemon that runs without the planned config fails the step, and the failure path removes it', async () => {
    tamper = () => ''
    const differs =
      /the builder does not run with the planned configuration:\n- the config in the builder differs from the one rendered \(1 key\):\n\s+registry\n/
    await expect(runMain()).rejects.toThrow(differs)
    expect(calls).toEqual(['create fifth', 'read back fifth0', 'remove fifth'])
    expect(daemons.size).toBe(0)
  })
})
