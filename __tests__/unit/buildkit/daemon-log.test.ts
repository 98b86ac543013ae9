import { describe, expect, test } from '@jest/globals'
import { cleanLog, firstError } from '../../../src/buildkit/daemon-log.js'
import { parseBuildkitdVersion, compareVersions } from '../../../src/buildkit/versions.js'
import { fixture } from '../../helpers.js'

// The daemon's log when it won't start, and its version, against real output where there is
// some (__tests__/fixtures/buildkit/02-bootstrap-fails, 03-cni-without-plugins: buildx's view
// of a restarting container's log, lines prefixed with "#1 15.44 ").
const fromBuildx = (name: string): string =>
  fixture(name)
    .split('\n')
    .map(l => l.replace(/^#\d+ [\d.]+ /, ''))
    .join('\n')

describe('the daemon log', () => {
  test.each([
    ['03-cni-without-plugins.stderr', 'failed to read cni config "/etc/buildkit/cni.json"'],
    // buildx's copy of the log garbles lines; the error the daemon repeats at each restart wins
    ['02-bootstrap-fails.stderr', 'buildkitd: flag provided but not defined: -no-such-flag']
  ])('%s: the error line', (name, expected) => expect(firstError(fromBuildx(name))).toBe(expected))

  test.each([
    ['buildkitd: invalid network mode: "bridge"\nbuildkitd: invalid network mode: "bridge"', 'buildkitd: invalid network mode: "bridge"'],
    [
      'Incorrect Usage. flag provided but not defined: -no-such-flag\n\nNAME:\n   buildkitd',
      'Incorrect Usage. flag provided but not defined: -no-such-flag'
    ],
    [
      'time="t" level=warning msg="CDI setup error"\ntime="t" level=fatal msg="failed to start" error="boom \\"x\\""',
      'failed to start: boom "x"'
    ],
    ['time="t" level=info msg="running server"', undefined],
    // "buildkitd: %+v" of a wrapped error: the cause first, the wrapping message after the stack
    [
      'buildkitd: stat : no such file or ' +
        'directory\n\u0002github.com/moby/buildkit/util/network/cniprovider.New\n\t/src/buildkit/util/network/cniprovider/cni.go:40\nfailed to read ' +
        'cni config ""\n',
      'failed to read cni config "": stat : no such file or directory'
    ]
  ])('%j → %j', (log, expected) => expect(firstError(log)).toBe(expected))

  test('NUL bytes and repeated lines go', () => {
    expect(cleanLog('a\u0000b\n\u0002\u0000c\na\u0000b\n\n')).toBe('ab\nc')
  })
})

describe('BuildKit versions', () => {
  test.each([
    ['buildkitd github.com/moby/buildkit v0.29.0 9c5b2b1a\n', 'v0.29.0'],
    ['buildkitd github.com/moby/buildkit v0.13.0-rc2 abc\n', 'v0.13.0-rc2'],
    ['buildkitd github.com/moby/buildkit v0.29.0-standin standin\n', 'v0.29.0-standin'],
    ['something else', undefined]
  ])('%j → %j', (printed, version) => expect(parseBuildkitdVersion(printed)).toBe(version))

  test.each([
    ['v0.12.5', 'v0.13.0', -1],
    ['v0.13.0-rc1', 'v0.13.0', 0],
    ['v0.29.0', 'v0.13.0', 1],
    ['v1.0.0', 'v0.99.99', 1]
  ])('%s vs %s', (a, b, sign) => expect(Math.sign(compareVersions(a, b))).toBe(sign))
})
