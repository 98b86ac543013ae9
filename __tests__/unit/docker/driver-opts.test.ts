import { describe, expect, test } from '@jest/globals'
import { csvRecord, driverOptValue, parseDriverOptLine } from '../../../src/docker/driver-opts.js'

// buildx reads each --driver-opt as one CSV record (builder/builder.go csvToMap, Go's
// encoding/csv rules); these rows are what Go's csv.NewReader(...).Read() gives for each line.
describe('csvRecord', () => {
  test.each([
    ['a=1', ['a=1']],
    ['a=1,b=2', ['a=1', 'b=2']],
    ['"network=host"', ['network=host']],
    ['"env.A=1,2",b=3', ['env.A=1,2', 'b=3']],
    ['"say ""hi""=x"', ['say "hi"=x']],
    ['a=1,', ['a=1', '']],
    [' a=1', [' a=1']]
  ])('%j → %j', (line, fields) => expect(csvRecord(line)).toEqual(fields))

  test.each([
    ['a="1"', /bare "/],
    ['"a=1', /not closed/],
    ['"a"=1', /followed by more than a comma/],
    [' "a=1"', /bare "/]
  ])('%j is an error in Go too', (line, re) => expect(csvRecord(line)).toMatch(re))
})

describe('parseDriverOptLine', () => {
  test.each([
    ['image=moby/buildkit:latest', [{ key: 'image', value: 'moby/buildkit:latest' }]],
    ['"network=host"', [{ key: 'network', value: 'host' }]],
    [
      'labels=a=b,env.X=1',
      [
        { key: 'labels', value: 'a=b' },
        { key: 'env.X', value: '1' }
      ]
    ],
    ['"labels=a=b,c=d"', [{ key: 'labels', value: 'a=b,c=d' }]]
  ])('%j → %j', (line, opts) => expect(parseDriverOptLine(line)).toEqual(opts))

  test.each([
    ['env.BUILDKIT_BUILDER_ACTION_OWNER=x', /mark this action puts/],
    ['network=host,env.BUILDKIT_BUILDER_ACTION_OWNER=x', /mark this action puts/],
    ['"env.BUILDKIT_BUILDER_ACTION_OWNER=x"', /mark this action puts/],
    ['"labels=a=b,buildkit-builder-action/owner=x"', /buildkit-builder-action\/owner/],
    ['env.BUILDKIT_BUILDER_ACTION_KEPT=keep-state-false', /kept with cleanup: false/],
    ['"labels=a=b,buildkit-builder-action/kept=keep-state-false"', /buildkit-builder-action\/kept/],
    ['image=moby/buildkit:latest"', /bare "/],
    ['image=--help', /image= "--help" is not an image reference/],
    ['image=x@sha256:zz', /image= /],
    ['network', /"network" is not key=value/],
    ['key=-----BEGIN PRIVATE KEY-----', /holds PEM text/],
    ['MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC', /holds PEM text/]
  ])('%j is refused: %s', (line, re) => expect(parseDriverOptLine(line)).toMatch(re))

  test('a PEM line is never echoed', () => {
    const b64 = 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC'
    expect(parseDriverOptLine(b64)).not.toContain(b64)
    expect(parseDriverOptLine(`cacert=${b64}`)).not.toContain(b64)
  })
})

describe('driverOptValue', () => {
  test('the last value of a key wins, as in buildx', () => {
    expect(driverOptValue(['image=a:1', 'network=host,image=b:2'], 'image')).toBe('b:2')
    expect(driverOptValue(['"image=c:3"'], 'image')).toBe('c:3')
    expect(driverOptValue(['network=host'], 'image')).toBeUndefined()
  })
})
