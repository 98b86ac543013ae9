import { afterAll, describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { buildxPlugin, pluginDirs } from '../../../src/docker/buildx-plugin.js'

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
