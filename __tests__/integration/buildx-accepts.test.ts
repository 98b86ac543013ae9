import { afterAll, expect, jest, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { renderToml } from '../../src/config/toml.js'
import { getInputs } from '../../src/drivers/read-inputs.js'
import { configTree } from '../../src/plan/config-tree.js'
import { describeDocker, docker, uniqueName } from './docker-env.js'

// What the renderer writes, buildx must read: about twenty configs from awkward but valid
// inputs go through the real `docker buildx create --config` (no --bootstrap: buildx parses
// and copies the config; no daemon runs), then `docker buildx rm`.
jest.setTimeout(180_000)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-accepts-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const cases: [string, Record<string, string>][] = [
  ['mirrors with paths and schemes', { mirrors: 'docker.io=https://m.example/v2/hub/,http://10.0.0.1:5000\nghcr.io=m2.example' }],
  ['a registry with a port', { 'http-registries': 'registry.local:5000' }],
  ['many hosts on one line', { 'insecure-registries': 'a.example, b.example,c.example:1' }],
  ['an IPv6 mirror over HTTPS (a value, not a key)', { mirrors: 'docker.io=https://[::1]:5001' }],
  ['punycode and digits', { 'http-registries': 'xn--bcher-kva.example\n1.2.3.4:65535' }],
  ['upper case host', { mirrors: 'Registry.Example.COM=Mirror.Example.com' }],
  ['a long host', { 'http-registries': `${'a'.repeat(63)}.${'b'.repeat(63)}.example:443` }],
  ['base config with quotes and unicode in strings', { 'buildkitd-config-inline': 'root = "/var/lib/build\\"kit ☃"\n' }],
  [
    'base config: gc policy tables',
    {
      'buildkitd-config-inline':
        '[worker.oci]\ngc = true\n[[worker.oci.gcpolicy]]\nkeepDuration = "48h"\nfilters = ["type==source.local"]\n'
    }
  ],
  ['base config: a key with a dot', { 'buildkitd-config-inline': '[frontend."dockerfile.v0"]\nenabled = true\n' }],
  ['base config: labels with odd keys', { 'buildkitd-config-inline': '[worker.oci.labels]\n"com.example/a b" = "x=y"\n"#" = "]"\n' }],
  ['base config: big integer', { 'buildkitd-config-inline': '[history]\nmaxEntries = 9007199254740993\n' }],
  ['base config: nan and inf in a free map', { 'buildkitd-config-inline': '[worker.oci.stargzSnapshotter]\nx = nan\ny = -inf\n' }],
  ['base config: dates in a free map', { 'buildkitd-config-inline': '[worker.oci.stargzSnapshotter]\nt = 1979-05-27T07:32:00Z\n' }],
  [
    'base config and inputs over it',
    { 'buildkitd-config-inline': '[registry."docker.io"]\nmirrors = ["old.example"]\n', mirrors: 'docker.io=new.example' }
  ],
  ['debug false', { debug: 'false' }],
  ['cni: bridge with a subnet', { cni: 'bridge', 'cni-subnet': '10.99.0.0/16' }],
  ['insecure and http together', { 'http-registries': 'r.example:5000', 'insecure-registries': 'r.example:5000' }],
  ['a mirror that is also a registry elsewhere', { mirrors: 'docker.io=http://r.example:5000\nghcr.io=r.example:5000' }],
  ['empty', {}]
]

describeDocker('buildx reads every config the renderer writes', () => {
  test.each(cases)('%s', (_t, inputs) => {
    const text = renderToml(configTree(getInputs(n => inputs[n] ?? '')))
    const file = path.join(dir, `${uniqueName('cfg')}.toml`)
    fs.writeFileSync(file, text)
    const name = uniqueName('accepts')
    const created = docker(['buildx', 'create', '--name', name, '--driver', 'docker-container', '--config', file])
    try {
      expect(`${created.status} ${created.stderr.trim()}`).toBe('0 ')
    } finally {
      if (created.status === 0) expect(docker(['buildx', 'rm', name]).status).toBe(0)
    }
  })
})
