import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { driverFor } from '../../../src/drivers/factory.js'
import { needsTlsContext } from '../../../src/drivers/tls-context.js'
import type { NodeSpec } from '../../../src/inputs/model.js'

// Which runs make a docker context of the TLS environment: a driver whose node without an
// endpoint buildx puts on the current context (docker-container: builder.go Create's default
// case), a first node without an endpoint, and the default context with TLS from the
// environment. The steps around it are in main.test.ts, the real engine in
// integration/tls-context.test.ts.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-context-'))
const TLS = { DOCKER_HOST: 'tcp://10.0.0.2:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }
const node = (endpoint: string): NodeSpec => ({ endpoint, driverOpts: [], buildkitdFlags: [], platforms: [], label: 'the first node' })

describe('needsTlsContext', () => {
  test.each([
    ['docker-container, no endpoint, TLS from the environment', 'docker-container', '', TLS, true],
    ['TLS without DOCKER_HOST (tcp://localhost:2376)', 'docker-container', '', { DOCKER_TLS_VERIFY: '1' }, true],
    ['no TLS: the current context as it is', 'docker-container', '', { DOCKER_HOST: 'tcp://10.0.0.2:2375' }, false],
    ['nothing set', 'docker-container', '', {}, false],
    ['an endpoint given (a context of the user): as it is', 'docker-container', 'my-tls-context', TLS, false],
    ['an endpoint given as a host: as it is', 'docker-container', 'tcp://10.0.0.3:2376', TLS, false],
    ['another context is current', 'docker-container', '', { DOCKER_TLS_VERIFY: '1', DOCKER_CONTEXT: 'mine' }, false],
    ['endpoint: default, by name (buildx would record its host alone)', 'docker-container', 'default', TLS, true],
    [
      'endpoint: default while another context is current',
      'docker-container',
      'default',
      { DOCKER_TLS_VERIFY: '1', DOCKER_CONTEXT: 'mine' },
      true
    ],
    ['endpoint: default without TLS', 'docker-container', 'default', { DOCKER_HOST: 'tcp://10.0.0.2:2375' }, false],
    ["the docker driver: the context's own builder, never created", 'docker', '', TLS, false],
    ['kubernetes: no engine', 'kubernetes', '', TLS, false],
    ["remote: the daemon's own address", 'remote', '', TLS, false]
  ] as [string, string, string, NodeJS.ProcessEnv, boolean][])('%s', (_t, driver, endpoint, env, want) => {
    expect(needsTlsContext(driverFor(driver), { nodes: [node(endpoint)] }, env, home)).toBe(want)
  })
})
