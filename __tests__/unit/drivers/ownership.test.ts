import { describe, expect, test } from '@jest/globals'
import { createArgs } from '../../../src/docker/buildx.js'
import { ownerFromEnv, withEnvMark } from '../../../src/drivers/docker-container/owner.js'
import { ownerFromLabels, withLabelMark } from '../../../src/drivers/kubernetes/owner.js'
import { plannedRecord, refusal, removalPlan, takeovers, type Found, type Occupant } from '../../../src/drivers/ownership.js'

// What is at a node's place (its container or Deployment), and what that allows (#18): a node
// whose place is taken is refused before create, only this run's daemons are removed, and a
// daemon that turns out not to be this run's after create fails verification.
const OURS = 'run-1'
const at = (name: string, occupant: Occupant, label?: string): Found => ({
  node: { name, label, place: `container buildx_buildkit_${name}` },
  occupant
})
const free: Occupant = { state: 'free' }
const ours: Occupant = { state: 'taken', owner: OURS }
const unmarked: Occupant = { state: 'taken', owner: '' }
const other: Occupant = { state: 'taken', owner: 'run-2' }
const unknown: Occupant = { state: 'unknown', error: 'Cannot connect to the Docker daemon' }

describe('refusal: before create, every place must be free', () => {
  test.each<[string, Found[], RegExp | undefined]>([
    ['all free', [at('b0', free), at('b1', free)], undefined],
    ['nothing to check (remote)', [], undefined],
    [
      "another builder's node (the crafted append name victim0, no mark)",
      [at('b0', free), at('victim0', unmarked, 'append[0]')],
      new RegExp(
        "^node victim0 \\(append\\[0\\]\\): container buildx_buildkit_victim0 already exists and is not this run's \\(it carries no owner mark\\); " +
          'buildx would take it over and removing the builder would remove it\\. Choose another builder name .* or another node name in append'
      )
    ],
    [
      "another run's builder of the same fixed name",
      [at('b0', other, 'the first node')],
      /^node b0 \(the first node\): container buildx_buildkit_b0 already exists and is not this run's \(it carries another run's owner mark\)/
    ],
    [
      "a place that can't be read is not taken to be free",
      [at('b0', unknown)],
      /^node b0: container buildx_buildkit_b0 could not be checked: Cannot connect/
    ],
    [
      'several: one line each',
      [at('b0', other), at('b1', free), at('b2', unmarked)],
      /^\n- node b0: .*another run's owner mark\)\n- node b2: .*no owner mark\)\nbuildx would take them over/
    ]
  ])('%s', (_what, found, want) => {
    const r = refusal(found, OURS)
    if (want === undefined) expect(r).toBeUndefined()
    else expect(r).toMatch(want)
  })

  test("this run's own mark is no refusal (a retried check), but no mark never counts as this run's", () => {
    expect(refusal([at('b0', ours)], OURS)).toBeUndefined()
    expect(refusal([at('b0', unmarked)], '')).toBeDefined()
  })
})

describe('removalPlan: only what carries this run’s mark is removed', () => {
  test.each<[string, Found[], { leave: string[]; keepDaemon: boolean; warnings: number }]>([
    ['all ours: buildx rm', [at('b0', ours), at('b1', ours)], { leave: [], keepDaemon: false, warnings: 0 }],
    [
      "a node whose container is gone: removing it drops only buildx's record",
      [at('b0', ours), at('b1', free)],
      { leave: [], keepDaemon: false, warnings: 0 }
    ],
    [
      'victim0 appended to ours: it is detached first, then buildx rm',
      [at('b0', ours), at('victim0', unmarked)],
      { leave: ['victim0'], keepDaemon: false, warnings: 1 }
    ],
    [
      "the only node is another run's: the record alone (rm --keep-daemon)",
      [at('b0', other)],
      { leave: [], keepDaemon: true, warnings: 1 }
    ],
    ['no node is ours: the record alone', [at('b0', unmarked), at('b1', unknown)], { leave: [], keepDaemon: true, warnings: 2 }],
    ["a node that can't be read is left alone", [at('b0', ours), at('b1', unknown)], { leave: ['b1'], keepDaemon: false, warnings: 1 }],
    ['no places at all (remote): buildx rm', [], { leave: [], keepDaemon: false, warnings: 0 }]
  ])('%s', (_what, found, want) => {
    const p = removalPlan(found, OURS)
    expect({ leave: p.leave, keepDaemon: p.keepDaemon, warnings: p.warnings.length }).toEqual(want)
  })

  test('the warnings name the node, its place and why', () => {
    expect(removalPlan([at('b0', ours), at('victim0', unmarked, 'append[0]')], OURS).warnings).toEqual([
      "node victim0 (append[0]): container buildx_buildkit_victim0 is not this run's " +
        '(it carries no owner mark; another run or builder uses that name): left alone'
    ])
    expect(removalPlan([at('b0', unknown)], OURS).warnings[0]).toMatch(
      /^node b0: container buildx_buildkit_b0 could not be checked \(Cannot connect.*\): left alone/
    )
  })

  test('a run without a mark removes nothing it finds taken', () => {
    expect(removalPlan([at('b0', unmarked)], '')).toMatchObject({ keepDaemon: true })
  })
})

describe('takeovers: after create, every daemon must be this run’s', () => {
  test.each<[string, Found[], string[]]>([
    ['all ours', [at('b0', ours), at('b1', ours)], []],
    [
      'the race: another run made the container between the check and create',
      [at('b0', unmarked, 'the first node')],
      [
        "node b0 (the first node): container buildx_buildkit_b0 is not this run's (it carries no owner mark): buildx took over another builder's daemon"
      ]
    ],
    [
      "another run's mark",
      [at('b0', ours), at('b1', other)],
      [expect.stringMatching(/^node b1: .*another run's owner mark/) as unknown as string]
    ],
    // Gone or unreadable: verification's own read-back reports it.
    ['gone or unreadable', [at('b0', free), at('b1', unknown)], []]
  ])('%s', (_what, found, want) => expect(takeovers(found, OURS)).toEqual(want))
})

describe('plannedRecord: a planned node as buildx will record it', () => {
  const args = (driver: string, driverOpts: string[], node?: string): string[] =>
    createArgs({
      name: 'b',
      driver,
      configPath: '/c',
      // The driver's own mark, as it plans its nodes (drivers/<name>/owner.ts).
      driverOpts: (driver === 'kubernetes' ? withLabelMark : withEnvMark)(OURS, driverOpts),
      buildkitdFlags: [],
      use: false,
      node,
      append: node !== undefined
    })

  test('docker-container: name, endpoint, the driver-opts as CSV read (the last value of a key wins)', () => {
    expect(plannedRecord({ name: 'b0', endpoint: '', createArgs: args('docker-container', ['image=x', 'network=host,image=y']) })).toEqual({
      Name: 'b0',
      Endpoint: '',
      DriverOpts: { 'env.BUILDKIT_BUILDER_ACTION_OWNER': OURS, image: 'y', network: 'host' }
    })
  })

  test('kubernetes: the namespace an appended named node goes to; the first node is named by buildx: nothing to check', () => {
    expect(plannedRecord({ name: 'k1', endpoint: '', createArgs: args('kubernetes', ['namespace=ci'], 'k1') })?.DriverOpts).toMatchObject({
      namespace: 'ci'
    })
    expect(plannedRecord({ name: undefined, endpoint: '', createArgs: args('kubernetes', []) })).toBeUndefined()
  })
})

describe('the mark where it really is (owner.ts)', () => {
  test.each<[string[] | null | undefined, string]>([
    [['PATH=/usr/bin', 'BUILDKIT_BUILDER_ACTION_OWNER=run-1'], 'run-1'],
    [['PATH=/usr/bin'], ''],
    [['BUILDKIT_BUILDER_ACTION_OWNER_X=run-1', 'X=BUILDKIT_BUILDER_ACTION_OWNER=run-1'], ''],
    [['BUILDKIT_BUILDER_ACTION_OWNER='], ''],
    [null, '']
  ])("a container's Config.Env %j: %j", (env, want) => expect(ownerFromEnv(env)).toBe(want))

  test.each<[Record<string, string> | null | undefined, string]>([
    [{ app: 'n', 'buildkit-builder-action/owner': 'run-1' }, 'run-1'],
    [{ app: 'n' }, ''],
    [undefined, '']
  ])("a Deployment's labels %j: %j", (labels, want) => expect(ownerFromLabels(labels)).toBe(want))
})
