import { describe, expect, test } from '@jest/globals'
import * as path from 'node:path'
import { loadRegistryCerts } from '../../../src/config/certs.js'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { flagValues } from '../../../src/buildkit/flags.js'
import { planFor as makePlan } from '../../inputs-model.js'
import { expectGolden, pki, pkiDir } from '../../helpers.js'

const RUN_DIR = '/home/runner/work/_temp/buildkit-builder-AbC123'
const NOW = new Date('2027-01-01T00:00:00Z')

function planFor(inputs: Record<string, string>, certEnv: NodeJS.ProcessEnv = {}) {
  const model = getInputs(name => inputs[name] ?? '')
  const { sets } = loadRegistryCerts(model.certRequests, NOW, certEnv)
  return makePlan(model, sets, RUN_DIR)
}

/** The fixture PKI as a workflow would pass it from secrets. */
const pkiEnv = (): NodeJS.ProcessEnv => ({ REG_CA: pki('ca.pem'), REG_CERT: pki('client.crt'), REG_KEY: pki('client.key') })

// Golden files: __tests__/golden/<scenario>.toml is the exact buildkitd.toml written.
describe('rendered buildkitd.toml (golden files)', () => {
  test.each([
    ['seed', { name: 'seed', mirrors: 'docker.io=mirror.gcr.io', debug: 'true' }, {}],
    [
      'issue-example',
      {
        name: 'example',
        mirrors: 'docker.io=mirror.gcr.io\nghcr.io=https://ghcr-mirror.corp.example,http://mirror.local:5000',
        'http-registries': 'registry.local:5000',
        'insecure-registries': 'selfsigned.corp.example',
        debug: 'true'
      },
      {}
    ],
    [
      'base-merged',
      {
        name: 'merged',
        'buildkitd-config-inline':
          'debug = false\n[worker.oci]\n  max-parallelism = 4\n[registry."docker.io"]\n  mirrors = ["old-mirror.example"]\n[registry."quay.io"]\n  ' +
          'insecure = true\n',
        mirrors: 'docker.io=mirror.gcr.io/dockerhub',
        debug: 'true'
      },
      {}
    ],
    [
      'certs',
      {
        name: 'certs',
        'registry-certs': `myregistry.test:5443 ca=${path.join(pkiDir, 'ca.pem')} cert=env:REG_CERT key=env:REG_KEY\nother.example ca=env:REG_CA`
      },
      'pki'
    ]
  ] as const)('%s', (name, inputs, certEnv) => {
    const plan = planFor(inputs as Record<string, string>, certEnv === 'pki' ? pkiEnv() : {})
    expectGolden(`${name}.toml`, plan.configText)
  })
})

describe('makePlan', () => {
  test('overrides of the base config are listed', () => {
    const plan = planFor({
      'buildkitd-config-inline': 'debug = false\n[registry."docker.io"]\nmirrors = ["old.example"]\n',
      mirrors: 'docker.io=new.example',
      debug: 'true'
    })
    expect(plan.overrides.map(o => o.key)).toEqual(['debug', 'registry."docker.io".mirrors'])
  })

  test('an http:// mirror gets http = true in its own section, not in the mirrored one', () => {
    const plan = planFor({ mirrors: 'docker.io=http://127.0.0.1:5001' })
    expect(plan.tree.registry).toEqual({
      '127.0.0.1:5001': { http: true },
      'docker.io': { mirrors: ['127.0.0.1:5001'] }
    })
  })

  test.each([
    ['a loopback registry with certificates: http = false, or BuildKit would speak plain HTTP to it', '127.0.0.1:5443', {}, false],
    ['localhost too', 'localhost:5443', {}, false],
    ['a registry elsewhere: left unset (HTTPS is the default)', 'myregistry.test:5443', {}, undefined],
    ['http-registries wins (the user asked for plain HTTP)', '127.0.0.1:5443', { 'http-registries': '127.0.0.1:5443' }, true],
    [
      "a base config's own http is kept",
      '127.0.0.1:5443',
      { 'buildkitd-config-inline': '[registry."127.0.0.1:5443"]\nhttp = true\n' },
      true
    ]
  ] as [string, string, Record<string, string>, boolean | undefined][])('%s', (_t, host, extra, http) => {
    const plan = planFor({ 'registry-certs': `${host} ca=env:REG_CA`, ...extra }, pkiEnv())
    expect((plan.tree.registry as Record<string, { http?: boolean }>)[host].http).toBe(http)
  })

  test('create command line, and what verification expects', () => {
    const plan = planFor({ name: 'b1', 'driver-opts': 'network=host', 'buildkitd-flags': '--debug', use: 'false', 'keep-state': 'true' })
    expect(plan.nodes.map(n => n.createArgs)).toEqual([
      [
        'buildx',
        'create',
        '--bootstrap',
        '--name',
        'b1',
        '--driver',
        'docker-container',
        '--config',
        `${RUN_DIR}/buildkitd.toml`,
        '--driver-opt',
        'network=host',
        '--buildkitd-flags',
        '--debug'
      ]
    ])
    expect(plan.nodes.map(n => n.args)).toEqual([['--config', '/etc/buildkit/buildkitd.toml', '--debug']])
    expect(plan.dirs).toEqual([RUN_DIR])
    expect(plan.files).toEqual([])
  })

  test('certificates: files under the run dir, keys 0600, container paths as buildx makes them', () => {
    const plan = planFor({ 'registry-certs': 'myregistry.test:5443 ca=env:REG_CA cert=env:REG_CERT key=env:REG_KEY' }, pkiEnv())
    expect(plan.dirs).toEqual([RUN_DIR, `${RUN_DIR}/certs`])
    expect(plan.files.map(f => [path.relative(RUN_DIR, f.hostPath), f.containerPath, f.mode.toString(8), f.label])).toEqual([
      [
        expect.stringMatching(/^certs\/ca-[0-9a-f]{8}-0\.pem$/),
        expect.stringMatching(/^\/etc\/buildkit\/certs\/myregistry.test_5443\/ca-[0-9a-f]{8}-0\.pem$/),
        '644',
        'CA for myregistry.test:5443 (env:REG_CA)'
      ],
      [
        expect.stringMatching(/^certs\/client-[0-9a-f]{8}-0\.crt$/),
        expect.stringMatching(/client-[0-9a-f]{8}-0\.crt$/),
        '644',
        'client certificate for myregistry.test:5443 (env:REG_CERT)'
      ],
      [
        expect.stringMatching(/^certs\/client-[0-9a-f]{8}-0\.key$/),
        expect.stringMatching(/client-[0-9a-f]{8}-0\.key$/),
        '600',
        'client key for myregistry.test:5443 (env:REG_KEY)'
      ]
    ])
    const reg = (plan.expect.config.registry as Record<string, { ca: string[]; keypair: { cert: string; key: string }[] }>)[
      'myregistry.test:5443'
    ]
    expect(reg.ca).toEqual([plan.files[0].containerPath])
    expect(reg.keypair).toEqual([{ cert: plan.files[1].containerPath, key: plan.files[2].containerPath }])
    expect(plan.expect.files.map(f => f.path)).toEqual(plan.files.map(f => f.containerPath))
    expect(plan.registries[0]).toMatchObject({
      registry: 'myregistry.test:5443',
      cas: [{ subject: 'CN=fixture-test-ca' }],
      clientCerts: [{ subject: 'CN=fixture-client' }]
    })
  })

  test('a base config certificate is copied under a new name and its path rewritten', () => {
    const plan = planFor({
      'buildkitd-config-inline': `[registry."r.example"]\nca = ["${path.join(pkiDir, 'ca.pem')}"]\n`
    })
    expect(plan.files).toHaveLength(1)
    expect((plan.tree.registry as Record<string, { ca: string[] }>)['r.example'].ca).toEqual([plan.files[0].hostPath])
  })

  test('a:1 and a_1 share a certs directory in the container but no file', () => {
    // a_1 is no valid host for an image reference, but a base config may name it.
    const plan = planFor(
      {
        'buildkitd-config-inline': `[registry."a_1"]\nca = ["${path.join(pkiDir, 'ca.pem')}"]\n`,
        'registry-certs': 'a:1 ca=env:REG_CA'
      },
      pkiEnv()
    )
    const paths = plan.files.map(f => f.containerPath)
    expect(path.dirname(paths[0])).toBe(path.dirname(paths[1]))
    expect(new Set(paths).size).toBe(2)
    expect(new Set(plan.files.map(f => f.hostPath)).size).toBe(2)
  })
})

describe('flags', () => {
  test('flagValues reads both forms', () => expect(flagValues(['--a', 'x', '--a=y', '--b', '--a'], '--a')).toEqual(['x', 'y', '']))
})
