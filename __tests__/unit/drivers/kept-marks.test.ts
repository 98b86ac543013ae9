import { describe, expect, test } from '@jest/globals'
import { csvFields } from '../../../src/docker/csv.js'
import { keepStateOfKept, keptValue } from '../../../src/docker/owner-mark.js'
import { keptFromEnvOpt, withEnvMark, withoutEnvMark } from '../../../src/drivers/docker-container/owner.js'
import { keptFromLabelsOpt, ownerFromLabelsOpt, withLabelMark, withoutLabelMark } from '../../../src/drivers/kubernetes/owner.js'
import { recordedArgs } from '../../../src/drivers/ownership.js'
import { getInputs } from '../../../src/drivers/read-inputs.js'
import { planFor } from '../../inputs-model.js'

// The kept mark: put beside the owner mark at create when the run says cleanup: false (and
// only then), read back from buildx's record, and never in the outputs.

/** The first node's driver-opts as buildx records them, for these inputs. */
function recorded(inputs: Record<string, string>): Record<string, string> {
  const plan = planFor(
    getInputs(n => inputs[n] ?? ''),
    [],
    '/tmp/run-1',
    {},
    'owner-1'
  )
  return recordedArgs(plan.nodes[0].createArgs).DriverOpts
}

describe('the kept mark at create', () => {
  test.each<[string, Record<string, string>, Record<string, string | undefined>]>([
    [
      'docker-container, cleanup: false',
      { cleanup: 'false' },
      { 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'owner-1', 'env.BUILDKIT_BUILDER_ACTION_KEPT': 'keep-state-false' }
    ],
    [
      'docker-container, cleanup: false with keep-state',
      { cleanup: 'false', 'keep-state': 'true' },
      { 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'owner-1', 'env.BUILDKIT_BUILDER_ACTION_KEPT': 'keep-state-true' }
    ],
    [
      'docker-container, cleanup: true: no kept mark',
      { 'keep-state': 'true' },
      { 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'owner-1', 'env.BUILDKIT_BUILDER_ACTION_KEPT': undefined }
    ],
    [
      'kubernetes, cleanup: false: a label beside the owner label, a user label kept',
      { driver: 'kubernetes', cleanup: 'false', 'driver-opts': 'labels=team=a' },
      { labels: 'team=a,buildkit-builder-action/owner=owner-1,buildkit-builder-action/kept=keep-state-false' }
    ],
    ['kubernetes, cleanup: true', { driver: 'kubernetes' }, { labels: 'buildkit-builder-action/owner=owner-1' }]
  ])('%s', (_what, inputs, want) => {
    const opts = recorded({ name: 'b', ...inputs })
    for (const [k, v] of Object.entries(want)) expect(opts[k]).toBe(v)
  })

  test('remote: never a kept mark (its builders are not reused)', () => {
    const opts = recorded({ name: 'b', driver: 'remote', endpoint: 'tcp://10.0.0.1:1234', cleanup: 'false' })
    expect(Object.keys(opts).filter(k => k.includes('KEPT') || (opts[k] ?? '').includes('kept'))).toEqual([])
  })
})

describe('the kept mark read back, and never in the outputs', () => {
  test.each<[string, Record<string, string> | null, string | undefined]>([
    ['docker-container', { 'env.BUILDKIT_BUILDER_ACTION_KEPT': 'keep-state-false', network: 'host' }, 'keep-state-false'],
    ['docker-container', { network: 'host' }, undefined],
    ['docker-container', null, undefined],
    [
      'kubernetes',
      { labels: '"team=a,buildkit-builder-action/owner=u,buildkit-builder-action/kept=keep-state-false"' },
      'keep-state-false'
    ],
    ['kubernetes', { labels: 'buildkit-builder-action/owner=u' }, undefined]
  ])('%s %j: %s', (driver, opts, want) => expect((driver === 'kubernetes' ? keptFromLabelsOpt : keptFromEnvOpt)(opts)).toBe(want))

  test('withoutOwner drops both marks', () => {
    expect(
      withoutEnvMark({ 'env.BUILDKIT_BUILDER_ACTION_OWNER': 'u', 'env.BUILDKIT_BUILDER_ACTION_KEPT': 'keep-state-false', network: 'host' })
    ).toEqual(['network=host'])
    expect(
      withoutLabelMark({ labels: 'team=a,buildkit-builder-action/owner=u,buildkit-builder-action/kept=keep-state-false', namespace: 'ci' })
    ).toEqual(['labels=team=a', 'namespace=ci'])
    expect(withoutLabelMark({ labels: 'buildkit-builder-action/owner=u,buildkit-builder-action/kept=keep-state-false' })).toEqual([])
  })

  test("a user's own kept label is replaced by the action's, as its owner label is", () => {
    const opts = withLabelMark('u', ['"labels=buildkit-builder-action/kept=forged,team=a"'])
    const labels = csvFields(opts[opts.length - 1])[0].slice('labels='.length)
    expect(labels).toBe('team=a,buildkit-builder-action/owner=u')
    expect(ownerFromLabelsOpt({ labels })).toBe('u')
    expect(keptFromLabelsOpt({ labels })).toBeUndefined()
    expect(withEnvMark('u', ['network=host'], 'keep-state-false')).toEqual([
      'env.BUILDKIT_BUILDER_ACTION_OWNER=u',
      'env.BUILDKIT_BUILDER_ACTION_KEPT=keep-state-false',
      'network=host'
    ])
  })

  test.each([
    [true, 'keep-state-true'],
    [false, 'keep-state-false']
  ])('keep-state %s ↔ %s', (keepState, value) => {
    expect(keptValue(keepState)).toBe(value)
    expect(keepStateOfKept(value)).toBe(keepState)
  })
  test.each(['', 'true', 'keep-state-maybe'])('%j says no keep-state', v => expect(keepStateOfKept(v)).toBeUndefined())
})
