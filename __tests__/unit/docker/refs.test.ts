import { describe, expect, test } from '@jest/globals'
import { imageRefProblem, parseImageRef, parseVerifyPull } from '../../../src/docker/refs.js'

// Image references normalised as Docker does (distribution/reference), because the daemon
// logs each resolution under span `resolving <normalised ref>` and the registry decides
// which mirrors are tried.
const D = 'sha256:' + 'a'.repeat(64)

describe('parseImageRef', () => {
  test.each([
    ['alpine', 'docker.io', 'library/alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io', 'library/alpine', 'docker.io/library/alpine:3.20'],
    ['docker.io/library/alpine:3.20', 'docker.io', 'library/alpine', 'docker.io/library/alpine:3.20'],
    ['index.docker.io/library/alpine', 'docker.io', 'library/alpine', 'docker.io/library/alpine:latest'],
    ['user/app', 'docker.io', 'user/app', 'docker.io/user/app:latest'],
    ['myregistry.com/team/base:1', 'myregistry.com', 'team/base', 'myregistry.com/team/base:1'],
    ['127.0.0.1:5000/rig/base:1', '127.0.0.1:5000', 'rig/base', '127.0.0.1:5000/rig/base:1'],
    ['localhost/x', 'localhost', 'x', 'localhost/x:latest'],
    ['localhost:5000/a/b/c', 'localhost:5000', 'a/b/c', 'localhost:5000/a/b/c:latest'],
    ['Registry/x', 'Registry', 'x', 'Registry/x:latest'],
    ['[::1]:5000/x:1', '[::1]:5000', 'x', '[::1]:5000/x:1'],
    [`alpine@${D}`, 'docker.io', 'library/alpine', `docker.io/library/alpine@${D}`],
    [`alpine:3.20@${D}`, 'docker.io', 'library/alpine', `docker.io/library/alpine:3.20@${D}`],
    ['ghcr.io/o/x__y.z-w:v1.2_3', 'ghcr.io', 'o/x__y.z-w', 'ghcr.io/o/x__y.z-w:v1.2_3']
  ])('%s → %s %s', (input, registry, repository, normalised) => {
    expect(parseImageRef(input)).toMatchObject({ registry, repository, normalised })
  })

  test.each([
    ['', /empty/],
    ['alpine latest', /white space/],
    ['https://ghcr.io/x', /has a scheme/],
    ['Alpine', /"Alpine" in its name/],
    ['x/Y', /"Y" in its name/],
    ['alpine:', /tag ""/],
    ['alpine:-x', /tag "-x"/],
    ['alpine@sha256:abc', /not algorithm:hex/],
    ['a..b.com/x', /registry "a..b.com"/],
    [':1', /no image name/],
    ['x/-y', /"-y" in its name/],
    [`r.io/${'a'.repeat(260)}`, /longer than 255/]
  ])('%j is refused: %s', (input, why) => {
    const r = parseImageRef(input)
    expect(typeof r).toBe('string')
    expect(r).toMatch(why)
  })
})

describe('parseVerifyPull', () => {
  test('lines, comments, duplicates resolved once', () => {
    const refs = parseVerifyPull('alpine\n# a comment\n\ndocker.io/library/alpine:latest\nghcr.io/o/x:1\n')
    expect(refs.map(r => r.normalised)).toEqual(['docker.io/library/alpine:latest', 'ghcr.io/o/x:1'])
  })

  test('an error names the input and the line', () => {
    expect(() => parseVerifyPull('alpine\n\nNOPE:1')).toThrow('input "verify-pull", line 3: "NOPE:1" has "NOPE" in its name')
  })
})

describe('imageRefProblem', () => {
  test.each(['moby/buildkit:latest', 'moby/buildkit:v0.23.2', `ghcr.io/team/bk@sha256:${'0'.repeat(64)}`, '127.0.0.1:5000/bk:1'])(
    '%s is taken',
    v => expect(imageRefProblem(v)).toBeUndefined()
  )
  test.each([
    ['moby/buildkit\nRUN x', /white space/],
    ['moby/buildkit:latest"', /quote, comma/],
    ['moby/buildkit:latest,network=host', /quote, comma/],
    ['--help', /starts with "-"/],
    ['-x/y', /starts with "-"/],
    ['x@sha512:' + 'a'.repeat(128), /sha256:<64/],
    ['Moby/Buildkit', /in its name/]
  ])('%j is refused: %s', (v, re) => expect(imageRefProblem(v)).toMatch(re))
  test('a long paste is cut, not echoed whole', () => {
    const junk = 'x'.repeat(5000) + ' y'
    expect(imageRefProblem(junk)!.length).toBeLessThan(400)
  })
})
