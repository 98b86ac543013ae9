import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'smol-toml'
import type { TomlTable } from '../../../src/config/toml.js'
import { SCHEMA_NEWEST } from '../../../src/config/schema.js'
import { pinnedImageVersion, pinnedVersion, ruleOnKeys } from '../../../src/plan/check-keys.js'
import { inputsWith } from '../../inputs-model.js'

// Strict where the key table knows, open where it doesn't (plan/check-keys.ts): each rule,
// for daemons the table covers (older ones included), one not known yet, and "future" ones
// newer than the table's newest version, whose keys the table can't know.

const withConfig = (text: string, nodes: string[][] = [[]]) =>
  inputsWith({
    baseConfig: { input: 'buildkitd-config-inline', tree: parse(text) as TomlTable },
    nodes: nodes.map((driverOpts, i) => ({ ...inputsWith().nodes[0], label: i === 0 ? 'the first node' : `append[${i - 1}]`, driverOpts }))
  })

// A key no BuildKit up to the table's newest has, far from every known key: as a key a future
// BuildKit (v0.40.0, say) adds would look to this table.
const FUTURE_KEY = '[worker.oci]\nsnapshotterGarbageCollectorInterval = "1h"\n'
const TYPO = '[registry."docker.io"]\nmirror = ["m.example"]\n'
const NEWER_KEY = 'proxyNetwork = true\n' // added in v0.31.0
const MISTYPED = 'debug = "yes"\n'

describe('ruleOnKeys', () => {
  test.each([
    ['a near miss (mirror for mirrors)', TYPO, 'v0.29.0'],
    ['a near miss', TYPO, undefined],
    ['a near miss, on a future daemon', TYPO, 'v0.40.0'],
    ['an http:// mirror without http', '[registry."docker.io"]\nmirrors = ["http://m.example"]\n', 'v0.40.0']
  ])('%s: an error whatever the version (%s, %s)', (_what, text, version) => {
    const r = ruleOnKeys(withConfig(text), version)
    expect(r.always).toHaveLength(1)
    expect(r.errors).toEqual([])
    expect(r.warnings).toEqual([])
  })

  test.each(['v0.29.0', 'v0.32.2', SCHEMA_NEWEST, 'v0.20.0', 'v0.12.5'])(
    'an unknown key on BuildKit %s, which the table covers: an error',
    version => {
      const r = ruleOnKeys(withConfig(FUTURE_KEY), version)
      expect(r.errors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^worker\\.oci\\.snapshotterGarbageCollectorInterval: BuildKit has no such key; .*this builder runs BuildKit ${version}, which ignores it ` +
              `\\(the key table covers BuildKit up to ${SCHEMA_NEWEST}\\)`
          )
        )
      ])
      expect(r.always).toEqual([])
    }
  )

  test.each(['v0.32.3', 'v0.33.0', 'v0.40.0', 'v1.0.0'])(
    'an unknown key on BuildKit %s, newer than the table: a warning naming the key and both versions',
    version => {
      const r = ruleOnKeys(withConfig(MISTYPED + FUTURE_KEY), version)
      expect(r.errors).toEqual([])
      expect(r.warnings).toEqual([
        expect.stringMatching(/^debug: BuildKit wants a boolean, not a string/),
        expect.stringMatching(/^worker\.oci\.snapshotterGarbageCollectorInterval: BuildKit has no such key/)
      ])
      for (const w of r.warnings) expect(w).toContain(`passed through: BuildKit ${version} is newer than ${SCHEMA_NEWEST}`)
    }
  )

  test('not known yet (the image is not pinned): the keys wait for the daemon; nothing refused', () => {
    const r = ruleOnKeys(withConfig(NEWER_KEY + FUTURE_KEY), undefined)
    expect(r).toEqual({
      always: [],
      errors: [],
      warnings: [],
      waiting: ['worker.oci.snapshotterGarbageCollectorInterval', 'proxyNetwork']
    })
  })

  test.each<[string, string[]]>([
    ['v0.29.0', ['proxyNetwork: added in BuildKit v0.31.0; this builder runs BuildKit v0.29.0, which ignores it']],
    ['v0.30.1', ['proxyNetwork: added in BuildKit v0.31.0; this builder runs BuildKit v0.30.1, which ignores it']],
    ['v0.31.0', []],
    ['v0.32.2', []],
    ['v0.40.0', []]
  ])('a known key added in v0.31.0, on BuildKit %s', (version, errors) => {
    expect(ruleOnKeys(withConfig(NEWER_KEY), version).errors).toEqual(errors)
  })

  test('a mistyped value on a covered daemon: an error', () => {
    expect(ruleOnKeys(withConfig(MISTYPED), 'v0.29.0').errors).toEqual([
      expect.stringMatching(/^debug: BuildKit wants a boolean, not a string/)
    ])
  })
})

describe('the version the images pin', () => {
  test.each([
    ['moby/buildkit:v0.29.0', 'v0.29.0'],
    ['moby/buildkit:v0.29.0-rootless', 'v0.29.0'],
    ['docker.io/moby/buildkit:0.32.2', 'v0.32.2'],
    ['registry.example:5000/moby/buildkit:v0.30.1', 'v0.30.1'],
    ['moby/buildkit:buildx-stable-1', undefined],
    ['moby/buildkit:latest', undefined],
    ['moby/buildkit', undefined],
    ['registry.example:5000/moby/buildkit', undefined],
    ['moby/buildkit:v0.29.0@sha256:' + 'a'.repeat(64), undefined],
    ['moby/buildkit:master', undefined]
  ])('%s → %s', (ref, version) => expect(pinnedImageVersion(ref)).toBe(version))

  test.each<[string, string[][], string | undefined]>([
    ["buildx's default image", [[]], undefined],
    ['one pinned node', [['image=moby/buildkit:v0.30.1']], 'v0.30.1'],
    ['two pinned nodes: the oldest', [['image=moby/buildkit:v0.32.2'], ['image=moby/buildkit:v0.29.0']], 'v0.29.0'],
    ['one node not pinned', [['image=moby/buildkit:v0.32.2'], []], undefined]
  ])('%s', (_what, nodes, version) => expect(pinnedVersion(withConfig('', nodes))).toBe(version))

  test('a CNI image is never pinned (it is built or given, whatever the base)', () => {
    const inputs = { ...withConfig('', [['image=moby/buildkit:v0.29.0']]), cni: { mode: 'bridge' } } as unknown as Parameters<
      typeof pinnedVersion
    >[0]
    expect(pinnedVersion(inputs)).toBeUndefined()
  })
})

test("the README names the key table's newest version", () => {
  const readme = fs.readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8')
  expect(readme).toContain(`BuildKit up to ${SCHEMA_NEWEST}`)
})
