import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { getInputs } from '../../../../src/drivers/read-inputs.js'

// driver: docker — every input that would configure the engine's BuildKit is refused,
// naming the engine's own setting; buildx's default config file is not applied.
const from =
  (m: Record<string, string>) =>
  (name: string): string =>
    m[name] ?? ''
const home = { env: {}, home: os.tmpdir() }

describe('driver: docker', () => {
  test('no config inputs: accepted', () => {
    expect(getInputs(from({ driver: 'docker' }), home).driver).toBe('docker')
  })

  test.each([
    ['buildkitd-config-inline', 'debug = true', /"builder"/],
    ['mirrors', 'docker.io=mirror.gcr.io', /set "registry-mirrors" in the engine's \/etc\/docker\/daemon.json/],
    ['http-registries', 'r.local:5000', /under "insecure-registries"/],
    ['insecure-registries', 'r.local', /under "insecure-registries"/],
    ['registry-certs', 'r.local ca=/x.pem', /\/etc\/docker\/certs.d\/<host\[:port\]>\//],
    ['debug', 'true', /"debug": true/],
    ['cni', 'bridge', /the engine's networks/],
    ['buildkitd-flags', '--debug', /no daemon flags/],
    ['driver-opts', 'image=x', /takes no driver options/],
    ['endpoint', 'ctx2', /one node, the docker context's engine/],
    ['platforms', 'linux/arm64', /one node/],
    ['keep-state', 'true', /never removed, so there is no state to keep/],
    ['verify-pull', 'alpine', /no builder container to resolve in/]
  ])('%s is refused', (input, value, message) => {
    const run = (): unknown => getInputs(from({ driver: 'docker', [input]: value }), home)
    expect(run).toThrow(`input "${input}"`)
    expect(run).toThrow(message)
  })

  test('cni: false is no configuration', () => {
    expect(getInputs(from({ driver: 'docker', cni: 'false' }), home).cni).toBeUndefined()
  })

  test("buildx's buildkitd.default.toml is not applied (the docker-container driver takes it)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-default-'))
    fs.mkdirSync(path.join(dir, 'buildx'))
    fs.writeFileSync(path.join(dir, 'buildx', 'buildkitd.default.toml'), 'debug = true\n')
    const host = { env: { DOCKER_CONFIG: dir }, home: os.tmpdir() }
    try {
      expect(getInputs(from({ driver: 'docker' }), host).baseConfig).toBeUndefined()
      expect(getInputs(from({}), host).baseConfig?.fromDefault).toBe(true)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
