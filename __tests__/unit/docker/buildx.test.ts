import { describe, expect, test } from '@jest/globals'
import { parse } from 'smol-toml'
import { certBaseName, containerCertDir, containerCertPath } from '../../../src/config/paths.js'
import { containerName, nodeVolume, volumeName } from '../../../src/drivers/docker-container/names.js'
import { createArgs, joinShellWords, leaveArgs, rmArgs } from '../../../src/docker/buildx.js'
import { splitShellWords } from '../../../src/runner/lines.js'
import type { TomlTable } from '../../../src/config/toml.js'
import { fixture } from '../../helpers.js'

describe('names', () => {
  test('container and volume follow the node name, as in the real capture', () => {
    // 01-create.stderr: "creating container buildx_buildkit_fx10"; 01-rm: builder fx1
    expect(fixture('01-create.stderr')).toContain(`creating container ${containerName('fx1')}`)
    expect(volumeName('fx1')).toBe('buildx_buildkit_fx10_state')
  })

  test.each([
    ['myregistry.test:5443', '/etc/buildkit/certs/myregistry.test_5443'],
    ['a_1', '/etc/buildkit/certs/a_1'],
    ['a:1', '/etc/buildkit/certs/a_1'],
    ['[::1]:5000', '/etc/buildkit/certs/_1_5000'],
    ['Reg.Example-1.com', '/etc/buildkit/certs/Reg.Example-1.com']
  ])('certs dir of %s is %s', (registry, dir) => expect(containerCertDir(registry)).toBe(dir))

  test('cert paths are rewritten exactly as buildx 0.29 rewrote them', () => {
    // The config given to buildx and the one it wrote into the container (real capture).
    const input = parse(fixture('01-mirror-certs.input.toml')) as TomlTable
    const inContainer = parse(fixture('01-container-config.stdout')) as TomlTable
    const reg = (t: TomlTable) => (t.registry as TomlTable)['myregistry.test:5443'] as TomlTable
    const ca = (reg(input).ca as string[]).map(p => containerCertPath('myregistry.test:5443', p))
    expect(ca).toEqual(reg(inContainer).ca)
    const kp = (reg(input).keypair as TomlTable[])[0]
    expect({
      cert: containerCertPath('myregistry.test:5443', kp.cert as string),
      key: containerCertPath('myregistry.test:5443', kp.key as string)
    }).toEqual((reg(inContainer).keypair as TomlTable[])[0])
    // ...and the copied files are where the rewritten paths point.
    expect(fixture('01-container-files.stdout').split('\n')).toEqual(
      expect.arrayContaining([...ca, kp.key ? containerCertPath('myregistry.test:5443', kp.key as string) : ''])
    )
  })

  test('base names differ between registries that share a certs directory', () => {
    const a = containerCertPath('a:1', `/run/${certBaseName('a:1', 'ca', 0)}`)
    const b = containerCertPath('a_1', `/run/${certBaseName('a_1', 'ca', 0)}`)
    expect(containerCertDir('a:1')).toBe(containerCertDir('a_1'))
    expect(a).not.toBe(b)
  })

  test.each([
    ['ca', 0, /^ca-[0-9a-f]{8}-0\.pem$/],
    ['cert', 1, /^client-[0-9a-f]{8}-1\.crt$/],
    ['key', 1, /^client-[0-9a-f]{8}-1\.key$/]
  ] as const)('certBaseName %s %d', (kind, i, re) => expect(certBaseName('r.example', kind, i)).toMatch(re))
})

describe('command lines', () => {
  test.each([
    [
      'minimal',
      { name: 'b1', driver: 'docker-container', configPath: '/t/buildkitd.toml', driverOpts: [], buildkitdFlags: [], use: false },
      ['buildx', 'create', '--bootstrap', '--name', 'b1', '--driver', 'docker-container', '--config', '/t/buildkitd.toml']
    ],
    [
      'everything',
      {
        name: 'b2',
        driver: 'docker-container',
        configPath: '/t/c.toml',
        driverOpts: ['image=moby/buildkit:v0.29.0', 'network=host'],
        buildkitdFlags: ['--debug', '--allow-insecure-entitlement', 'security insecure'],
        use: true
      },
      [
        'buildx',
        'create',
        '--bootstrap',
        '--name',
        'b2',
        '--driver',
        'docker-container',
        '--config',
        '/t/c.toml',
        '--driver-opt',
        'image=moby/buildkit:v0.29.0',
        '--driver-opt',
        'network=host',
        '--buildkitd-flags',
        `--debug --allow-insecure-entitlement 'security insecure'`,
        '--use'
      ]
    ]
  ])('create: %s', (_name, options, args) => expect(createArgs(options)).toEqual(args))

  test.each([
    [false, ['buildx', 'rm', 'b1']],
    [true, ['buildx', 'rm', '--keep-state', 'b1']]
  ])('rm keep-state=%s', (keep, args) => expect(rmArgs('b1', keep)).toEqual(args))

  test("rm --keep-daemon removes buildx's record only; create --leave detaches one node; a node's state volume", () => {
    expect(rmArgs('b1', false, true)).toEqual(['buildx', 'rm', '--keep-daemon', 'b1'])
    expect(leaveArgs('b1', 'victim0')).toEqual(['buildx', 'create', '--leave', '--name', 'b1', '--node', 'victim0'])
    expect(nodeVolume('victim0')).toBe('buildx_buildkit_victim0_state')
    expect(volumeName('b1')).toBe(nodeVolume('b10'))
  })

  test.each([[['--a', "it's", 'x y', '', '$HOME']], [['plain', '--k=v']]])('joinShellWords round-trips %j', words =>
    expect(splitShellWords(joinShellWords(words))).toEqual(words)
  )
})
