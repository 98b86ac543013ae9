import { describe, expect, test } from '@jest/globals'
import { parse } from 'smol-toml'
import { checkConfigTree, keyPath, mergeConfig, renderToml, sameValue, type TomlTable } from '../../../src/config/toml.js'

describe('mergeConfig', () => {
  const base = parse(`
debug = false
[worker.oci]
  gc = true
  gckeepstorage = 9000
[registry."docker.io"]
  mirrors = ["old.example"]
  http = false
[registry."kept.example"]
  insecure = true
`) as TomlTable

  test('structured inputs win, and each changed key is reported', () => {
    const { tree, overrides } = mergeConfig(
      base,
      { debug: true },
      new Map([
        ['docker.io', { mirrors: ['mirror.gcr.io'], http: false }],
        ['new.example:5000', { http: true }]
      ])
    )
    expect(overrides).toEqual([
      { key: 'debug', from: false, to: true },
      { key: 'registry."docker.io".mirrors', from: ['old.example'], to: ['mirror.gcr.io'] }
    ])
    expect(tree).toEqual({
      debug: true,
      worker: { oci: { gc: true, gckeepstorage: 9000 } },
      registry: {
        'docker.io': { mirrors: ['mirror.gcr.io'], http: false },
        'kept.example': { insecure: true },
        'new.example:5000': { http: true }
      }
    })
  })

  test('the base tree is not modified', () => {
    const before = structuredClone(base)
    mergeConfig(base, { debug: true }, new Map([['docker.io', { mirrors: ['x.example'] }]]))
    expect(base).toEqual(before)
  })

  test('ca and keypair come whole from the settings (the plan moved the base ones there)', () => {
    const b = parse('[registry."r.example"]\nca = ["/orig/ca.pem"]\n') as TomlTable
    const { tree, overrides } = mergeConfig(
      b,
      {},
      new Map([['r.example', { ca: ['/run/ca-1.pem'], keypair: [{ cert: '/run/c.crt', key: '/run/c.key' }] }]])
    )
    expect(tree.registry).toEqual({ 'r.example': { ca: ['/run/ca-1.pem'], keypair: [{ cert: '/run/c.crt', key: '/run/c.key' }] } })
    expect(overrides).toEqual([])
  })

  test('no inputs and no base: an empty config', () => {
    expect(renderToml(mergeConfig(undefined, {}, new Map()).tree)).toBe('')
  })
})

describe('checkConfigTree', () => {
  test.each([
    ['debug = "yes"', 'debug must be true or false'],
    ['registry = 1', 'registry must be a table'],
    ['registry = { "a.example" = 1 }', 'registry."a.example" must be a table'],
    ['[registry."a.example"]\nhttp = "true"', 'registry."a.example".http must be true or false'],
    ['[registry."a.example"]\nmirrors = "m.example"', 'registry."a.example".mirrors must be an array of non-empty strings'],
    ['[registry."a.example"]\nca = "/ca.pem"', 'registry."a.example".ca must be an array of non-empty strings'],
    [
      '[registry."a.example"]\nkeypair = { cert = "/c", key = "/k" }',
      'registry."a.example".keypair must be an array of [[keypair]] tables'
    ],
    ['[[registry."a.example".keypair]]\nkey = "/k"', 'registry."a.example".keypair[0] has no cert'],
    ['[[registry."a.example".keypair]]\ncert = "/c"\nkey = ""', 'registry."a.example".keypair[0] has no key']
  ])('%j: %s', (text, message) => {
    expect(() => checkConfigTree(parse(text) as TomlTable, 'buildkitd-config')).toThrow(`input "buildkitd-config": ${message}`)
  })

  test('a sound config passes', () => {
    const text =
      'debug = true\n[registry."a.example"]\nmirrors = ["m"]\nhttp = true\nca = ["/c"]\n[[registry."a.example".keypair]]\ncert = "/c"\nkey = ' +
      '"/k"\n[worker.oci]\nmax-parallelism = 4'
    expect(() => checkConfigTree(parse(text) as TomlTable, 'x')).not.toThrow()
  })
})

describe('helpers', () => {
  test.each([
    [['debug'], 'debug'],
    [['registry', 'docker.io', 'mirrors'], 'registry."docker.io".mirrors'],
    [['registry', 'a:1', 'keypair', 0, 'key'], 'registry."a:1".keypair[0].key'],
    [['worker', 'oci', 'gc'], 'worker.oci.gc']
  ])('keyPath(%j) = %s', (parts, text) => expect(keyPath(parts)).toBe(text))

  test.each([
    [1, BigInt(1), true],
    [[1, 'a'], [1, 'a'], true],
    [{ a: { b: 1 } }, { a: { b: 1 } }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [['a'], 'a', false],
    [new Date(0), new Date(0), true]
  ])('sameValue(%j, %j) = %s', (a, b, same) => expect(sameValue(a, b)).toBe(same))
})
