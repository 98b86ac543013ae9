import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import type { NodeSpec } from '../../../../src/inputs/model.js'
import { InputError } from '../../../../src/runner/errors.js'
import { redact, resetSecrets } from '../../../../src/runner/redact.js'
import { parseNodeTls, remoteInputProblems, tlsFromEnv, tlsVarNames, tlsVarWarnings } from '../../../../src/drivers/remote/inputs.js'
import { remote } from '../../../../src/drivers/remote/driver.js'
import type { LoadedRemoteTls } from '../../../../src/drivers/remote/tls.js'
import { pki } from '../../../helpers.js'
import { inputsWith } from '../../../inputs-model.js'

// docker/setup-buildx-action's TLS variables for remote nodes, BUILDER_NODE_<n>_AUTH_TLS_CACERT,
// _CERT and _KEY (PEM text): n is 0 for the first node and 1, 2, … for append's nodes
// (setup-buildx-action src/main.ts nodeIndex), and they count only for a tcp:// endpoint
// (actions-toolkit buildx/buildx.ts resolveCertsDriverOpts). They take the path of env:NAME
// options, and an option given both ways is refused naming both.

const first = (endpoint = 'tcp://bk:1234', driverOpts: string[] = []): NodeSpec => ({
  endpoint,
  driverOpts,
  buildkitdFlags: [],
  platforms: [],
  label: 'the first node'
})
const appended = (i: number, endpoint = 'tcp://bk2:1234', driverOpts: string[] = []): NodeSpec => ({
  ...first(endpoint, driverOpts),
  name: `n${i}`,
  label: `append[${i}]`,
  append: i
})
const PEM = { ca: pki('ca.pem'), cert: pki('client.crt'), key: pki('client.key') }

describe('the variables of a node', () => {
  test.each([
    ['the first node', first(), 'BUILDER_NODE_0_AUTH_TLS_'],
    ['append[0]', appended(0), 'BUILDER_NODE_1_AUTH_TLS_'],
    ['append[2]', appended(2), 'BUILDER_NODE_3_AUTH_TLS_']
  ])('%s: %s*', (_label, node, prefix) => {
    expect(tlsVarNames(node)).toEqual({ cacert: `${prefix}CACERT`, cert: `${prefix}CERT`, key: `${prefix}KEY` })
  })

  const all0 = { BUILDER_NODE_0_AUTH_TLS_CACERT: 'a', BUILDER_NODE_0_AUTH_TLS_CERT: 'b', BUILDER_NODE_0_AUTH_TLS_KEY: 'c' }
  test.each([
    [
      'tcp:// with all three',
      'tcp://bk:1234',
      all0,
      { cacert: 'BUILDER_NODE_0_AUTH_TLS_CACERT', cert: 'BUILDER_NODE_0_AUTH_TLS_CERT', key: 'BUILDER_NODE_0_AUTH_TLS_KEY' },
      []
    ],
    [
      'tcp:// with the CA only',
      'tcp://10.0.0.1:1234',
      { BUILDER_NODE_0_AUTH_TLS_CACERT: 'a' },
      { cacert: 'BUILDER_NODE_0_AUTH_TLS_CACERT' },
      []
    ],
    // Set but empty (a secret that is not defined) counts as set: it is refused as empty when read.
    ['tcp:// with an empty one', 'tcp://bk:1234', { BUILDER_NODE_0_AUTH_TLS_CACERT: '' }, { cacert: 'BUILDER_NODE_0_AUTH_TLS_CACERT' }, []],
    ['tcp:// with none', 'tcp://bk:1234', { BUILDER_NODE_1_AUTH_TLS_CACERT: 'a' }, {}, []],
    ['unix://: ignored', 'unix:///run/buildkit/buildkitd.sock', all0, {}, Object.keys(all0)],
    ['ssh://: ignored', 'ssh://me@bk', { BUILDER_NODE_0_AUTH_TLS_KEY: 'c' }, {}, ['BUILDER_NODE_0_AUTH_TLS_KEY']],
    [
      'docker-container://: ignored',
      'docker-container://bk',
      { BUILDER_NODE_0_AUTH_TLS_CACERT: 'a' },
      {},
      ['BUILDER_NODE_0_AUTH_TLS_CACERT']
    ]
  ])('%s', (_what, endpoint, env, vars, ignored) => {
    expect(tlsFromEnv(first(endpoint), env)).toEqual({ vars, ignored })
  })
})

describe('parseNodeTls: driver-opts and the variables', () => {
  const env = { BUILDER_NODE_0_AUTH_TLS_CACERT: PEM.ca, BUILDER_NODE_0_AUTH_TLS_CERT: PEM.cert, BUILDER_NODE_0_AUTH_TLS_KEY: PEM.key }

  test('the variables alone: env:NAME references, named for the driver-opts input', () => {
    expect(parseNodeTls(first('tcp://bk:1234', ['servername=bk', 'default-load=true']), env)).toEqual({
      cacert: { kind: 'ca', ref: 'env:BUILDER_NODE_0_AUTH_TLS_CACERT', input: 'driver-opts' },
      cert: { kind: 'cert', ref: 'env:BUILDER_NODE_0_AUTH_TLS_CERT', input: 'driver-opts' },
      key: { kind: 'key', ref: 'env:BUILDER_NODE_0_AUTH_TLS_KEY', input: 'driver-opts' },
      servername: 'bk',
      other: ['default-load=true']
    })
  })

  test('an appended node takes BUILDER_NODE_<index + 1>, the first node not', () => {
    const e = { BUILDER_NODE_2_AUTH_TLS_CACERT: PEM.ca }
    expect(parseNodeTls(appended(1), e).cacert).toEqual({
      kind: 'ca',
      ref: 'env:BUILDER_NODE_2_AUTH_TLS_CACERT',
      input: 'append (append[1] driver-opts)'
    })
    expect(parseNodeTls(first(), e).cacert).toBeUndefined()
    expect(parseNodeTls(appended(0), e).cacert).toBeUndefined()
  })

  test.each([
    [
      'cacert',
      first('tcp://bk:1', ['cacert=ca.pem']),
      { BUILDER_NODE_0_AUTH_TLS_CACERT: 'x' },
      'input "driver-opts": cacert=',
      'BUILDER_NODE_0_AUTH_TLS_CACERT'
    ],
    [
      'cert',
      first('tcp://bk:1', ['cacert=ca.pem', 'cert=env:C', 'key=env:K']),
      { BUILDER_NODE_0_AUTH_TLS_CERT: 'x' },
      'input "driver-opts": cert=',
      'BUILDER_NODE_0_AUTH_TLS_CERT'
    ],
    [
      'key',
      appended(0, 'tcp://bk:1', ['key=/k.pem']),
      { BUILDER_NODE_1_AUTH_TLS_KEY: 'x', BUILDER_NODE_1_AUTH_TLS_CERT: 'y' },
      'input "append (append[0] driver-opts)": key=',
      'BUILDER_NODE_1_AUTH_TLS_KEY'
    ]
  ])('%s given both ways is refused naming both', (_key, node, e, input, name) => {
    expect(() => parseNodeTls(node, e)).toThrow(InputError)
    expect(() => parseNodeTls(node, e)).toThrow(`${input} is given both here and by the environment variable ${name}`)
    expect(() => parseNodeTls(node, e)).toThrow('buildx would silently keep one of them: give it in one place')
  })

  test.each([
    [
      'a client certificate without a CA',
      { BUILDER_NODE_0_AUTH_TLS_CERT: 'x', BUILDER_NODE_0_AUTH_TLS_KEY: 'y' },
      'cert= and key= need cacert='
    ],
    ['a certificate without its key', { BUILDER_NODE_0_AUTH_TLS_CACERT: 'x', BUILDER_NODE_0_AUTH_TLS_CERT: 'y' }, 'cert= has no key=']
  ])("%s: buildx's own rules apply to the variables too", (_what, e, message) => {
    expect(() => parseNodeTls(first(), e)).toThrow(message)
  })

  test('a node not on tcp:// keeps its driver-opts and takes no variable (no conflict)', () => {
    expect(parseNodeTls(first('unix:///bk.sock', ['cacert=ca.pem']), env).cacert).toEqual({
      kind: 'ca',
      ref: 'ca.pem',
      input: 'driver-opts'
    })
  })
})

describe('tlsVarWarnings', () => {
  test.each([
    ['all used', [first()], { BUILDER_NODE_0_AUTH_TLS_CACERT: 'a' }, []],
    ['nothing set', [first(), appended(0)], { OTHER: 'x' }, []],
    [
      'a node not on tcp://',
      [first(), appended(0, 'unix:///bk.sock')],
      { BUILDER_NODE_1_AUTH_TLS_CACERT: 'a' },
      [
        "BUILDER_NODE_1_AUTH_TLS_CACERT is set, but append[0]'s endpoint (unix:///bk.sock) is not tcp://: ignored, as docker/setup-buildx-action ignores it"
      ]
    ],
    [
      'no such node',
      [first()],
      { BUILDER_NODE_1_AUTH_TLS_KEY: '-----BEGIN PRIVATE KEY-----' },
      ['BUILDER_NODE_1_AUTH_TLS_KEY is set, but the builder has no node 1 (0 is the first node, 1 the first of append, …): ignored']
    ]
  ])('%s', (_what, nodes, env, warnings) => {
    expect(tlsVarWarnings(nodes, env)).toEqual(warnings)
  })
})

describe('remoteInputProblems with the variables', () => {
  const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  test.each([
    [
      'an option given both ways',
      { cleanup: true },
      ['cacert=ca.pem'],
      { BUILDER_NODE_0_AUTH_TLS_CACERT: 'x' },
      [
        {
          input: 'driver-opts',
          message: expect.stringContaining('cacert= is given both here and by the environment variable BUILDER_NODE_0_AUTH_TLS_CACERT')
        }
      ]
    ],
    [
      'cleanup: false with TLS from the variables (the files go with the run directory)',
      { cleanup: false },
      [],
      { BUILDER_NODE_0_AUTH_TLS_CACERT: 'x' },
      [{ input: 'cleanup', message: expect.stringContaining('BUILDER_NODE_<n>_AUTH_TLS_* variables') }]
    ],
    ['the variables alone', { cleanup: true }, [], { BUILDER_NODE_0_AUTH_TLS_CACERT: 'x' }, []]
  ])('%s', (_what, patch, driverOpts, env, problems) => {
    const inputs = inputsWith({ name: 'rb', driver: 'remote', ...patch }, { endpoint: 'tcp://bk:1234', driverOpts })
    expect(remoteInputProblems(inputs, get({}), env)).toEqual(problems)
  })
})

describe('the remote driver with the variables: files of the run, driver-opts, masking', () => {
  const saved = { ...process.env }
  beforeEach(() => {
    resetSecrets()
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(() => {
    process.env = { ...saved }
    jest.restoreAllMocks()
  })

  test("prepare reads them as the node's TLS, masks every value, and planNodes writes them under the run's directory", () => {
    Object.assign(process.env, {
      BUILDER_NODE_0_AUTH_TLS_CACERT: PEM.ca,
      BUILDER_NODE_0_AUTH_TLS_CERT: PEM.cert,
      BUILDER_NODE_0_AUTH_TLS_KEY: PEM.key,
      BUILDER_NODE_1_AUTH_TLS_CACERT: PEM.ca
    })
    const inputs = inputsWith({ name: 'rb', driver: 'remote' }, { endpoint: 'tcp://bk:1234', driverOpts: ['servername=bk'] })
    inputs.nodes.push(appended(0, 'tcp://bk2:1234'))
    const prepared = remote.prepare?.(inputs) as LoadedRemoteTls[]
    expect(prepared.map(t => [t.cacert?.ref, t.cert?.ref, t.key?.ref])).toEqual([
      ['env:BUILDER_NODE_0_AUTH_TLS_CACERT', 'env:BUILDER_NODE_0_AUTH_TLS_CERT', 'env:BUILDER_NODE_0_AUTH_TLS_KEY'],
      ['env:BUILDER_NODE_1_AUTH_TLS_CACERT', undefined, undefined]
    ])
    for (const pem of [PEM.ca, PEM.cert, PEM.key]) {
      const line = pem.split('\n')[2]
      expect(redact(`x ${line}`)).toBe('x ***')
    }
    const planned = remote.planNodes({ inputs, runDir: '/run/d', owner: 'o', prepared, addition: {}, images: [] } as never)
    expect(planned.files.map(f => [f.hostPath, f.mode.toString(8), f.content.toString()])).toEqual([
      ['/run/d/remote/0/ca.pem', '644', PEM.ca],
      ['/run/d/remote/0/client.crt', '644', PEM.cert],
      ['/run/d/remote/0/client.key', '600', PEM.key],
      ['/run/d/remote/1/ca.pem', '644', PEM.ca]
    ])
    const opts = (args: string[]): string[] => args.flatMap((a, i) => (a === '--driver-opt' ? [args[i + 1]] : []))
    expect(planned.nodes.map(n => opts(n.createArgs))).toEqual([
      ['cacert=/run/d/remote/0/ca.pem', 'cert=/run/d/remote/0/client.crt', 'key=/run/d/remote/0/client.key', 'servername=bk'],
      ['cacert=/run/d/remote/1/ca.pem']
    ])
  })

  test('a variable that is set but empty (a secret that is not defined) is refused naming it', () => {
    Object.assign(process.env, {
      BUILDER_NODE_0_AUTH_TLS_CACERT: '',
      BUILDER_NODE_0_AUTH_TLS_CERT: PEM.cert,
      BUILDER_NODE_0_AUTH_TLS_KEY: PEM.key
    })
    const inputs = inputsWith({ name: 'rb', driver: 'remote' }, { endpoint: 'tcp://bk:1234' })
    expect(() => remote.prepare?.(inputs)).toThrow('input "driver-opts": ca env:BUILDER_NODE_0_AUTH_TLS_CACERT is empty')
  })
})
