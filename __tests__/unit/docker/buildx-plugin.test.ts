import { afterAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { buildxCommand, buildxPlugin, onPath, pluginDirs } from '../../../src/docker/buildx-plugin.js'

// Which buildx the docker CLI would run: config.json's cliPluginsExtraDirs, then the config
// directory's cli-plugins, then the system directories; the first executable file wins.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-plugin-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function place(dir: string, mode: number): string {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'docker-buildx')
  fs.writeFileSync(file, '#!/bin/sh\n', { mode })
  return file
}

describe('the buildx plugin the docker CLI would run', () => {
  test('the search order: extra dirs from config.json, the config dir, the system dirs', () => {
    const config = path.join(root, 'cfg-order')
    fs.mkdirSync(config, { recursive: true })
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: ['/opt/extra'] }))
    expect(pluginDirs({ DOCKER_CONFIG: config }, '/home/x')).toEqual([
      '/opt/extra',
      path.join(config, 'cli-plugins'),
      '/usr/local/lib/docker/cli-plugins',
      '/usr/local/libexec/docker/cli-plugins',
      '/usr/lib/docker/cli-plugins',
      '/usr/libexec/docker/cli-plugins'
    ])
    expect(pluginDirs({}, '/home/x')[0]).toBe('/home/x/.docker/cli-plugins')
  })

  test('an executable in an extra dir wins over the one in the config dir', () => {
    const config = path.join(root, 'cfg-extra')
    const extra = path.join(root, 'extra')
    const inExtra = place(extra, 0o755)
    place(path.join(config, 'cli-plugins'), 0o755)
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [extra] }))
    expect(buildxPlugin({ DOCKER_CONFIG: config }, '/nonexistent')).toBe(inExtra)
  })

  test('a file that is not executable is passed over', () => {
    const config = path.join(root, 'cfg-noexec')
    const extra = path.join(root, 'extra-noexec')
    place(extra, 0o644)
    const inConfig = place(path.join(config, 'cli-plugins'), 0o755)
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [extra] }))
    expect(buildxPlugin({ DOCKER_CONFIG: config }, '/nonexistent')).toBe(inConfig)
  })

  test('a config.json that is not JSON: no extra dirs, as for the CLI', () => {
    const config = path.join(root, 'cfg-broken')
    fs.mkdirSync(config, { recursive: true })
    fs.writeFileSync(path.join(config, 'config.json'), '{not json')
    expect(pluginDirs({ DOCKER_CONFIG: config }, '/h')[0]).toBe(path.join(config, 'cli-plugins'))
  })
})

describe('how buildx is run: the plugin, docker buildx, or standalone without a docker CLI', () => {
  /** A directory with executables of these names (a script each). */
  function bin(name: string, programs: string[]): string {
    const d = path.join(root, name)
    fs.mkdirSync(d, { recursive: true })
    for (const p of programs) fs.writeFileSync(path.join(d, p), '#!/bin/sh\n', { mode: 0o755 })
    return d
  }
  const dockerBin = bin('bin-docker', ['docker'])
  const buildxBin = bin('bin-buildx', ['buildx'])
  const bothBin = bin('bin-both', ['docker', 'buildx'])
  const noexecBin = path.join(root, 'bin-noexec')
  fs.mkdirSync(noexecBin, { recursive: true })
  fs.writeFileSync(path.join(noexecBin, 'docker'), '#!/bin/sh\n', { mode: 0o644 })
  const withPlugin = path.join(root, 'cfg-cmd-plugin')
  const plugin = place(path.join(withPlugin, 'cli-plugins'), 0o755)

  test.each([
    ['docker CLI and its plugin: the plugin, run directly', [dockerBin], withPlugin, { command: plugin, prefix: [], standalone: false }],
    [
      'docker CLI and standalone buildx too: still the plugin (what `docker buildx` runs)',
      [bothBin],
      withPlugin,
      { command: plugin, prefix: [], standalone: false }
    ],
    [
      'no docker CLI, buildx on PATH: buildx standalone, the one later steps run',
      [buildxBin],
      withPlugin,
      { command: path.join(buildxBin, 'buildx'), prefix: [], standalone: true }
    ],
    [
      'no docker CLI, no buildx on PATH, a plugin binary: that binary (it is buildx)',
      ['/nonexistent'],
      withPlugin,
      { command: plugin, prefix: [], standalone: true }
    ],
    [
      'a docker that is not executable is no docker CLI',
      [noexecBin, buildxBin],
      withPlugin,
      { command: path.join(buildxBin, 'buildx'), prefix: [], standalone: true }
    ]
  ])('%s', (_what, dirs, config, expected) => {
    expect(buildxCommand({ PATH: dirs.join(path.delimiter), DOCKER_CONFIG: config }, '/nonexistent')).toEqual(expected)
  })

  test.each([
    ['docker CLI without a plugin: docker buildx', [dockerBin], { command: 'docker', prefix: ['buildx'], standalone: false }],
    [
      'no docker CLI and no buildx at all: buildx (its start fails: none is installed)',
      ['', '/nonexistent'],
      { command: 'buildx', prefix: [], standalone: true }
    ]
  ])('%s', (_what, dirs, expected) => {
    // No plugin anywhere (this machine's system directories may hold one).
    expect(buildxCommand({ PATH: dirs.join(path.delimiter) }, '/nonexistent', () => undefined)).toEqual(expected)
  })

  test('onPath: the first executable in PATH order; empty entries skipped; Windows adds .exe', () => {
    const winBin = bin('bin-win', ['docker.exe'])
    expect(onPath('buildx', { PATH: ['', dockerBin, bothBin, buildxBin].join(path.delimiter) })).toBe(path.join(bothBin, 'buildx'))
    expect(onPath('docker', { PATH: noexecBin })).toBeUndefined()
    expect(onPath('docker', {})).toBeUndefined()
    expect(onPath('docker', { PATH: winBin }, 'win32')).toBe(path.join(winBin, 'docker.exe'))
    expect(onPath('docker', { PATH: winBin }, 'linux')).toBeUndefined()
  })
})
