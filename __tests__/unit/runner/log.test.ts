import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as log from '../../../src/runner/log.js'
import { addSecret, resetSecrets } from '../../../src/runner/redact.js'

// log.ahead: work started before its step's group opens holds its lines until then, while
// the lines of whatever runs meanwhile go out at once.
let out: string[]
beforeEach(() => {
  out = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => (out.push(String(chunk).trimEnd()), true))
})
afterEach(() => {
  jest.restoreAllMocks()
})

const tick = (): Promise<void> => new Promise(r => setTimeout(r, 5))

describe('log.ahead', () => {
  test('its lines come out in its group, in order, after what ran meanwhile; later lines go straight out', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>(r => (release = r))
    const work = log.ahead(async () => {
      log.info('ahead 1')
      await tick()
      log.warning('ahead 2')
      await gate
      log.info('ahead 3')
      return 42
    })
    await log.group('Meanwhile', async () => {
      log.info('meanwhile')
      await tick()
      await tick()
    })
    const got = log.group('Its step', async () => {
      const r = await work.shown()
      log.info('after it')
      return r
    })
    await tick()
    release()
    expect(await got).toBe(42)
    expect(out.filter(l => !/^\(\d+ ms\)$/.test(l))).toEqual([
      '::group::Meanwhile',
      'meanwhile',
      '::endgroup::',
      '::group::Its step',
      'ahead 1',
      '::warning::ahead 2',
      'ahead 3',
      'after it',
      '::endgroup::'
    ])
  })

  test('an error is thrown by shown(), with the lines before it shown; none is thrown before that', async () => {
    const work = log.ahead(async () => {
      log.info('tried')
      throw new Error('no mirror served it')
    })
    await tick()
    expect(out).toEqual([])
    await expect(work.shown()).rejects.toThrow('no mirror served it')
    expect(out).toEqual(['tried'])
  })

  test('lines are redacted as they come out: a secret registered meanwhile is masked in them', async () => {
    const work = log.ahead(async () => log.info('token s3cr3t-value-123 used'))
    addSecret('s3cr3t-value-123')
    await work.shown()
    expect(out.filter(l => !l.startsWith('::add-mask::'))).toEqual(['token *** used'])
    resetSecrets()
  })
})
