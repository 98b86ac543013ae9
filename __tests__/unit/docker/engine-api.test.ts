import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { localSocket } from '../../../src/docker/engine-api.js'

// Which socket the docker CLI would use, and when the CLI must be used instead.
describe('localSocket', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-api-'))
  const withContext = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-api-ctx-'))
  fs.writeFileSync(path.join(withContext, 'config.json'), JSON.stringify({ currentContext: 'remote-box' }))
  const defaultCtx = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-api-def-'))
  fs.writeFileSync(path.join(defaultCtx, 'config.json'), JSON.stringify({ auths: {} }))

  test.each([
    ['nothing set: the default context', [], {}, '/var/run/docker.sock'],
    ['a unix DOCKER_HOST', [], { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, '/run/user/1000/docker.sock'],
    ['a tcp DOCKER_HOST: the CLI (TLS settings)', [], { DOCKER_HOST: 'tcp://10.0.0.2:2376' }, undefined],
    ['an ssh DOCKER_HOST: the CLI', [], { DOCKER_HOST: 'ssh://me@box' }, undefined],
    ['DOCKER_CONTEXT of another context: the CLI', [], { DOCKER_CONTEXT: 'other' }, undefined],
    ['DOCKER_CONTEXT=default', [], { DOCKER_CONTEXT: 'default' }, '/var/run/docker.sock'],
    ["config.json's current context: the CLI", [], { DOCKER_CONFIG: withContext }, undefined],
    ['config.json without one', [], { DOCKER_CONFIG: defaultCtx }, '/var/run/docker.sock'],
    ['a node on a unix host', ['--host', 'unix:///var/run/docker.sock'], { DOCKER_CONFIG: withContext }, '/var/run/docker.sock'],
    ['a node on a tcp host', ['--host', 'tcp://10.0.0.3:2375'], {}, undefined],
    ['a node on a named context', ['--context', 'second'], {}, undefined],
    ['a node on the default context', ['--context', 'default'], {}, '/var/run/docker.sock'],
    // TLS from the environment: the CLI dials tcp://localhost:2376 without DOCKER_HOST (opts/hosts.go defaultTLSHost).
    ['DOCKER_TLS_VERIFY without DOCKER_HOST: the CLI (tcp://localhost:2376)', [], { DOCKER_TLS_VERIFY: '1' }, undefined],
    ['DOCKER_TLS without DOCKER_HOST: the CLI', [], { DOCKER_TLS: '1' }, undefined],
    ['a tcp DOCKER_HOST with TLS: the CLI', [], { DOCKER_HOST: 'tcp://10.0.0.2:2376', DOCKER_TLS_VERIFY: '1' }, undefined],
    [
      'a node on the default context with TLS from the environment: the CLI',
      ['--context', 'default'],
      { DOCKER_TLS_VERIFY: '1' },
      undefined
    ],
    ["a node on this run's TLS context: the CLI", ['--context', 'buildkit-builder-action-tls-x'], { DOCKER_TLS_VERIFY: '1' }, undefined]
  ] as [string, string[], NodeJS.ProcessEnv, string | undefined][])('%s', (_t, engine, env, socket) => {
    expect(localSocket(engine, env, home)).toBe(socket)
  })
})
