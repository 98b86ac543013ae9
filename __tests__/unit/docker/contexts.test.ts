import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { currentContextName, defaultContextWithTls, tlsContextName, tlsFromEnvironment } from '../../../src/docker/contexts.js'

// The docker CLI's current context and its TLS from the environment, read as the CLI reads
// them (cli/command/cli.go resolveContextName, cli/flags/options.go).
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'contexts-'))
const withContext = fs.mkdtempSync(path.join(os.tmpdir(), 'contexts-ctx-'))
fs.writeFileSync(path.join(withContext, 'config.json'), JSON.stringify({ currentContext: 'remote-box' }))
const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'contexts-bad-'))
fs.writeFileSync(path.join(broken, 'config.json'), '{not json')

describe('currentContextName', () => {
  test.each([
    ['nothing set', {}, 'default'],
    ['DOCKER_HOST wins over DOCKER_CONTEXT', { DOCKER_HOST: 'tcp://10.0.0.2:2376', DOCKER_CONTEXT: 'other' }, 'default'],
    ['DOCKER_CONTEXT', { DOCKER_CONTEXT: 'other' }, 'other'],
    ['DOCKER_CONTEXT wins over config.json', { DOCKER_CONTEXT: 'other', DOCKER_CONFIG: withContext }, 'other'],
    ["config.json's currentContext", { DOCKER_CONFIG: withContext }, 'remote-box'],
    ['a config.json the CLI would not read', { DOCKER_CONFIG: broken }, 'default']
  ] as [string, NodeJS.ProcessEnv, string][])('%s: %s', (_t, env, name) => {
    expect(currentContextName(env, home)).toBe(name)
  })
})

describe('the default context with TLS from the environment', () => {
  test.each([
    ['DOCKER_TLS_VERIFY=1 with a tcp DOCKER_HOST', { DOCKER_HOST: 'tcp://10.0.0.2:2376', DOCKER_TLS_VERIFY: '1' }, true, true],
    ['DOCKER_TLS_VERIFY=0 turns TLS on too (only emptiness counts)', { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '0' }, true, true],
    ['DOCKER_TLS without verification', { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1' }, true, true],
    ['TLS without DOCKER_HOST: tcp://localhost:2376', { DOCKER_TLS_VERIFY: '1' }, true, true],
    ['an empty DOCKER_TLS_VERIFY', { DOCKER_HOST: 'tcp://h:2375', DOCKER_TLS_VERIFY: '' }, false, false],
    ['a tcp DOCKER_HOST without TLS', { DOCKER_HOST: 'tcp://h:2375' }, false, false],
    ['TLS variables, but another context is current', { DOCKER_TLS_VERIFY: '1', DOCKER_CONTEXT: 'other' }, true, false],
    ["TLS variables, but config.json's context is current", { DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: withContext }, true, false],
    [
      'TLS variables and DOCKER_HOST over a current context',
      { DOCKER_TLS_VERIFY: '1', DOCKER_HOST: 'tcp://h:2376', DOCKER_CONFIG: withContext },
      true,
      true
    ]
  ] as [string, NodeJS.ProcessEnv, boolean, boolean][])('%s', (_t, env, tls, defaultWithTls) => {
    expect(tlsFromEnvironment(env)).toBe(tls)
    expect(defaultContextWithTls(env, home)).toBe(defaultWithTls)
  })

  test("the run's context: the action's prefix and the run's owner mark (a valid docker context name)", () => {
    const name = tlsContextName('74414c50-9a83-481b-924f-11b6ca9bdc30')
    expect(name).toBe('buildkit-builder-action-tls-74414c50-9a83-481b-924f-11b6ca9bdc30')
    // docker/cli store.ValidateContextName
    expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/)
  })
})
