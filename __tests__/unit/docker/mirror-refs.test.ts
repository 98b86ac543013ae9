import { describe, expect, test } from '@jest/globals'
import { engineReachNotes, hubImage, hubMirrorsOf, mirrorReference, type HubMirror } from '../../../src/docker/mirror-refs.js'
import { parseImageRef, type ImageRef } from '../../../src/docker/refs.js'
import type { TomlTable } from '../../../src/config/toml.js'

const ref = (v: string): ImageRef => parseImageRef(v) as ImageRef
const mirror = (m: string, o: Partial<HubMirror> = {}): HubMirror => {
  const slash = m.indexOf('/')
  return {
    mirror: m,
    host: slash === -1 ? m : m.slice(0, slash),
    path: slash === -1 ? '' : m.slice(slash),
    http: false,
    insecure: false,
    ca: false,
    ...o
  }
}

describe("a Docker Hub image's reference on a mirror (BuildKit asks /v2/<path>/<repository>)", () => {
  test.each([
    ['moby/buildkit:buildx-stable-1', 'mirror.gcr.io', 'mirror.gcr.io/moby/buildkit:buildx-stable-1'],
    ['moby/buildkit', 'mirror.gcr.io', 'mirror.gcr.io/moby/buildkit:latest'],
    ['alpine:3.20', '127.0.0.1:5000', '127.0.0.1:5000/library/alpine:3.20'],
    ['docker.io/moby/buildkit:v0.29.0', 'harbor.corp.example/dockerhub-proxy', 'harbor.corp.example/dockerhub-proxy/moby/buildkit:v0.29.0'],
    ['index.docker.io/moby/buildkit:v0.29.0', 'm.example/a/b', 'm.example/a/b/moby/buildkit:v0.29.0'],
    [`moby/buildkit@sha256:${'a'.repeat(64)}`, 'm.example', `m.example/moby/buildkit@sha256:${'a'.repeat(64)}`],
    [`moby/buildkit:v1@sha256:${'b'.repeat(64)}`, 'm.example:8443', `m.example:8443/moby/buildkit:v1@sha256:${'b'.repeat(64)}`]
  ])('%s on %s: %s', (image, m, want) => {
    expect(mirrorReference(ref(image), mirror(m))).toBe(want)
  })

  test('a path that makes no image name (upper case): why, not a reference', () => {
    expect(mirrorReference(ref('moby/buildkit:v1'), mirror('m.example/DockerHub'))).toEqual({
      problem: expect.stringContaining('its path makes no image name for docker.io/moby/buildkit:v1')
    })
  })

  test.each([
    ['moby/buildkit:v1', true],
    ['docker.io/library/alpine', true],
    ['ghcr.io/moby/buildkit:v1', false],
    ['localhost/buildkit-builder-cni:v1.1.1-0123456789abcdef', false],
    ['127.0.0.1:5000/moby/buildkit:v1', false]
  ])('%s is a Docker Hub image: %s', (image, hub) => {
    expect(hubImage(image) !== undefined).toBe(hub)
  })
})

describe('the docker.io mirrors of a config, with what the engine needs to reach them', () => {
  test.each<[string, TomlTable, string[], HubMirror[]]>([
    ['no registry section', {}, [], []],
    ['no docker.io section', { registry: { 'ghcr.io': { mirrors: ['m.example'] } } }, [], []],
    [
      'in order; a loopback host without http is plain HTTP for BuildKit; a path kept',
      { registry: { 'docker.io': { mirrors: ['mirror.gcr.io', '127.0.0.1:5000/hub/'] } } },
      [],
      [mirror('mirror.gcr.io'), { ...mirror('127.0.0.1:5000/hub'), mirror: '127.0.0.1:5000/hub/', http: true }]
    ],
    [
      "each mirror host's own section: http, insecure, a CA (the config's or registry-certs')",
      {
        registry: {
          'docker.io': { mirrors: ['10.0.0.5:5000', 'self.example', 'ca.example', '127.0.0.1:6000'] },
          '10.0.0.5:5000': { http: true },
          'self.example': { insecure: true, ca: ['/etc/ca.pem'] },
          '127.0.0.1:6000': { http: false }
        }
      },
      ['ca.example'],
      [
        mirror('10.0.0.5:5000', { http: true }),
        mirror('self.example', { insecure: true, ca: true }),
        mirror('ca.example', { ca: true }),
        mirror('127.0.0.1:6000')
      ]
    ]
  ])('%s', (_what, tree, caHosts, want) => {
    expect(hubMirrorsOf(tree, new Set(caHosts))).toEqual(want)
  })

  test.each<[string, HubMirror, string[]]>([
    ['HTTPS, nothing special: no note', mirror('mirror.gcr.io'), []],
    ['plain HTTP on a loopback address: the engine reaches it', mirror('127.0.0.1:5000', { http: true }), []],
    [
      'plain HTTP elsewhere: insecure-registries',
      mirror('10.0.0.5:5000', { http: true }),
      [
        '10.0.0.5:5000 is plain HTTP: the Docker engine pulls over plain HTTP only from a loopback address or a host in its insecure-registries (daemon.json)'
      ]
    ],
    [
      'insecure = true',
      mirror('self.example', { insecure: true }),
      [
        'self.example is insecure = true: the Docker engine skips certificate checks only for a host in its insecure-registries (daemon.json)'
      ]
    ],
    [
      'a CA from registry-certs: the engine does not read it',
      mirror('ca.example:5443', { ca: true }),
      [
        "the CA given for ca.example:5443 reaches BuildKit, not the Docker engine, which reads /etc/docker/certs.d/ca.example:5443/ca.crt on the engine's host"
      ]
    ]
  ])('%s', (_what, m, notes) => {
    expect(engineReachNotes(m)).toEqual(notes)
  })
})
