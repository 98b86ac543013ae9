import { describe, expect, test } from '@jest/globals'
import { parse } from 'smol-toml'
import { containerCertPath } from '../../../src/config/paths.js'
import { sha256 } from '../../../src/config/certs.js'
import type { TomlTable } from '../../../src/config/toml.js'
import { compare, diffTrees, formatDiff, formatValue, parseSha256sum } from '../../../src/verify/compare.js'
import { parseWorkers } from '../../../src/buildkit/daemon-info.js'
import { type Expectation } from '../../../src/plan/plan.js'
import { parseBaseConfig } from '../../../src/inputs/base-config.js'
import { fixture, pki } from '../../helpers.js'

// The expectation the plan would make for fixture 01: the input config with its cert
// paths moved as buildx moves them.
function expectation01(): Expectation {
  const tree = parse(fixture('01-mirror-certs.input.toml')) as TomlTable
  const reg = (tree.registry as TomlTable)['myregistry.test:5443'] as TomlTable
  reg.ca = (reg.ca as string[]).map(p => containerCertPath('myregistry.test:5443', p))
  for (const kp of reg.keypair as TomlTable[]) {
    kp.cert = containerCertPath('myregistry.test:5443', kp.cert as string)
    kp.key = containerCertPath('myregistry.test:5443', kp.key as string)
  }
  return {
    config: tree,
    files: [
      { path: '/etc/buildkit/certs/myregistry.test_5443/ca.pem', sha256: sha256(pki('ca.pem')), label: 'CA' },
      { path: '/etc/buildkit/certs/myregistry.test_5443/client.crt', sha256: sha256(pki('client.crt')), label: 'client certificate' },
      { path: '/etc/buildkit/certs/myregistry.test_5443/client.key', sha256: sha256(pki('client.key')), label: 'client key' }
    ]
  }
}

const node01 = { args: ['--config', '/etc/buildkit/buildkitd.toml'], platforms: [] as string[] }

const readBack01 = () => ({
  configText: fixture('01-container-config.stdout'),
  cmd: JSON.parse(fixture('01-docker-inspect-cmd.stdout')) as string[],
  sha256Text: fixture('01-container-sha256.stdout')
})

describe('compare against the real read-back of fixture 01', () => {
  test('the re-serialised config, arguments and copied files all match', () => {
    expect(compare(expectation01(), node01, readBack01(), parseWorkers(fixture('01-workers-json.stdout')))).toEqual([])
  })

  test('a changed mirror is reported with both values', () => {
    const rb = readBack01()
    rb.configText = rb.configText.replace('mirrors = ["127.0.0.1:5001"]', 'mirrors = ["127.0.0.1:5002"]')
    const problems = compare(expectation01(), node01, rb, undefined)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toBe(
      'the config in the builder differs from the one rendered (1 key):\n' +
        '  registry."docker.io".mirrors\n    - expected: ["127.0.0.1:5001"]\n    + in builder: ["127.0.0.1:5002"]'
    )
  })

  test('a key missing in the builder and one it has extra are both reported', () => {
    const rb = readBack01()
    rb.configText = rb.configText.replace('debug = true', 'gc = false')
    expect(compare(expectation01(), node01, rb, undefined)[0]).toContain('(2 keys)')
  })

  test('a copied file with another hash, and a missing one, are named', () => {
    const rb = readBack01()
    rb.sha256Text = rb.sha256Text
      .split('\n')
      .filter(l => !l.endsWith('client.crt'))
      .join('\n')
      .replace(/^06ce/, '0000')
    expect(compare(expectation01(), node01, rb, undefined)).toEqual([
      expect.stringMatching(
        /^CA: \/etc\/buildkit\/certs\/myregistry.test_5443\/ca.pem in the builder has SHA-256 0000cf11.*, its source 06cecf11/
      ),
      'client certificate: /etc/buildkit/certs/myregistry.test_5443/client.crt is missing in the builder'
    ])
  })

  test('a daemon started without --config is reported', () => {
    const rb = { ...readBack01(), cmd: ['--allow-insecure-entitlement=network.host'] }
    expect(compare(expectation01(), node01, rb, undefined)).toEqual([
      'the daemon was started with ["--allow-insecure-entitlement=network.host"], not with ["--config","/etc/buildkit/buildkitd.toml"]'
    ])
  })

  test('the daemon flags must follow --config in order (fixture 03)', () => {
    const cmd = JSON.parse(fixture('03-docker-inspect-cmd.stdout')) as string[]
    expect(compare(expectation01(), { ...node01, args: ['--oci-worker-net=cni'] }, { ...readBack01(), cmd }, undefined)).toEqual([])
  })

  test('a network mode other than the one planned is reported', () => {
    const e = { ...expectation01(), network: 'cni' }
    expect(compare(e, node01, readBack01(), parseWorkers(fixture('01-workers-json.stdout')))).toEqual([
      'the daemon runs with network mode "host", not "cni"'
    ])
    expect(compare(e, node01, readBack01(), parseWorkers(fixture('03-workers-json.stdout')))).toEqual([])
  })

  test('a read-back that is not TOML is a problem, not a crash', () => {
    expect(compare(expectation01(), node01, { ...readBack01(), configText: 'debug = = true' }, undefined)[0]).toMatch(
      /^the config in the builder is not valid TOML/
    )
  })
})

describe('parseWorkers', () => {
  test.each([
    ['01-workers-json.stdout', 'host'],
    ['03-workers-json.stdout', 'cni']
  ])('%s', (name, network) => {
    expect(parseWorkers(fixture(name))).toEqual({
      version: 'v0.29.0',
      platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'],
      network,
      workers: 1
    })
  })
  test('no workers is an error', () => expect(() => parseWorkers('[]')).toThrow(/reports no workers/))
  test('not JSON is an error', () => expect(() => parseWorkers('ID PLATFORMS')).toThrow(/not JSON/))
})

describe('diffTrees', () => {
  test('empty tables count as absent; numbers compare by value', () => {
    expect(diffTrees({ a: { b: {} }, n: 1 }, { n: BigInt(1), c: {} })).toEqual([])
  })
  test('formatDiff shows absent keys', () => {
    expect(formatDiff(diffTrees({ debug: true }, {}))).toBe('  debug\n    - expected: true\n    + in builder: (absent)')
  })
  test('parseSha256sum reads busybox and coreutils output', () => {
    expect(parseSha256sum(`${'a'.repeat(64)}  /x/y\n${'b'.repeat(64)} */z\nsha256sum: /q: No such file or directory\n`)).toEqual(
      new Map([
        ['/x/y', 'a'.repeat(64)],
        ['/z', 'b'.repeat(64)]
      ])
    )
  })
})

describe('values JSON has no word for', () => {
  test('nan equals nan (buildx writes it back as nan), and is shown as nan, not null', () => {
    expect(diffTrees({ x: NaN }, { x: NaN })).toEqual([])
    expect(formatDiff(diffTrees({ x: NaN }, { x: 1 }))).toBe('  x\n    - expected: nan\n    + in builder: 1')
    expect(formatValue([Infinity, -Infinity])).toBe('[inf,-inf]')
  })

  test('integers beyond 2^53 stay exact', () => {
    const big = 9007199254740993n
    expect(diffTrees({ n: big }, { n: big })).toEqual([])
    expect(diffTrees({ n: big }, { n: 9007199254740992 })).toHaveLength(1)
    expect(formatValue({ n: big })).toBe('{"n":9007199254740993}')
    expect(parseBaseConfig('buildkitd-config-inline', '[history]\nmaxEntries = 9007199254740993\n').tree).toEqual({
      history: { maxEntries: big }
    })
  })
})
