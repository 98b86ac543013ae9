import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { driverFor } from '../../src/drivers/factory.js'
import { nodesOutput, type Outcome } from '../../src/verify/summary.js'
import { DEFAULT_FLAGS } from '../../src/inputs/model.js'
import { tlsVarNames } from '../../src/drivers/remote/inputs.js'

// A drop-in for docker/setup-buildx-action: each of its inputs and outputs (kept by hand in
// fixtures/setup-buildx-action/compat.json, with the version and commit it was read from) is
// declared here with the same default and meaning, or the README says why not.
const root = path.join(import.meta.dirname, '..', '..')
const compat = JSON.parse(fs.readFileSync(path.join(root, '__tests__', 'fixtures', 'setup-buildx-action', 'compat.json'), 'utf8')) as {
  inputs: Record<string, { default: string; appliedWhenEmpty?: string }>
  outputs: string[]
  nodesKeys: string[]
  environment: { names: string[] }
}
const action = parseYaml(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
// The README's section "Migrating from docker/setup-buildx-action", up to the next section.
const migrating = readme.indexOf('\n## Migrating from docker/setup-buildx-action\n')
const differences = readme.slice(migrating, readme.indexOf('\n## ', migrating + 1))

describe('docker/setup-buildx-action compatibility', () => {
  test.each(Object.entries(compat.inputs))('input %s: same name and default, or the README says why not', (name, theirs) => {
    const ours = action.inputs[name]
    const explained = new RegExp(`^\\| \`${name}\`(?: with [^|]*)? \\|`, 'm').test(differences) || differences.includes(`\`${name}\``)
    if (ours === undefined || (ours.default ?? '') !== theirs.default) expect({ name, explained }).toEqual({ name, explained: true })
    else expect(ours.default ?? '').toBe(theirs.default)
  })

  test('the default daemon flags when buildkitd-flags is empty are theirs', () => {
    expect(DEFAULT_FLAGS.join(' ')).toBe(compat.inputs['buildkitd-flags'].appliedWhenEmpty)
  })

  test.each(compat.environment.names)(
    'environment variable %s: read under that name (n = 0 the first node, 1… append), and in the README',
    name => {
      const read = (n: number): string[] => Object.values(tlsVarNames({ append: n === 0 ? undefined : n - 1 }))
      for (const n of [0, 1, 3]) expect(read(n)).toContain(name.replace('<n>', String(n)))
      expect(differences).toContain(`\`${name}\``)
    }
  )

  test.each(compat.outputs)('output %s is declared', name => expect(action.outputs).toHaveProperty([name]))

  test('nodes has their documented keys (plus verified), and never files', () => {
    const nodes = nodesOutput(
      [
        {
          Name: 'b0',
          Endpoint: 'unix:///var/run/docker.sock',
          DriverOpts: { network: 'host', 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'x' },
          Flags: ['--debug'],
          Files: { 'buildkitd.toml': 'c2VjcmV0' }
        } as never
      ],
      (() => {
        const daemon = { version: 'v0.29.0', platforms: ['linux/amd64'], workers: 1 }
        return {
          verified: true,
          mode: 'true',
          problems: [],
          daemon,
          nodes: [{ name: 'b0', endpoint: 'unix:///var/run/docker.sock', label: 'the first node', daemon, problems: [], verified: true }]
        }
      })() as Outcome,
      driverFor('docker-container').withoutOwner
    )
    expect(Object.keys(nodes[0]).sort()).toEqual([...compat.nodesKeys, 'verified'].sort())
    expect(nodes[0]).toEqual({
      name: 'b0',
      endpoint: 'unix:///var/run/docker.sock',
      'driver-opts': ['network=host'],
      status: 'running',
      'buildkitd-flags': '--debug',
      buildkit: 'v0.29.0',
      platforms: 'linux/amd64',
      verified: true
    })
    expect(JSON.stringify(nodes)).not.toContain('c2VjcmV0')
  })
})
