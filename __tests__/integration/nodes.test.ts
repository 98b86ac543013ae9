import { afterEach, expect, jest, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'smol-toml'
import { newRun, readOutputs, readSummary, runMain, runPost, type Run } from '../../scripts/runner.mjs'
import { afterTest, buildkitImage, cleanUpTests, describeDocker, docker, errors, secondContext, uniqueName } from './docker-env.js'

// A builder of two docker-container nodes: the second on a second docker context that
// points at the same engine (what a second machine's context would be, on one machine).
// Both nodes get the same config and certificates, each is verified on its own, and
// removal leaves nothing on either.
jest.setTimeout(240_000)

const pki = (f: string): string => path.join(import.meta.dirname, '..', 'fixtures', 'buildkit', 'test-pki', f)
const sha = (p: string): string => createHash('sha256').update(fs.readFileSync(p)).digest('hex')

afterEach(cleanUpTests)

const nodeOpts = (): string[] => [`image=${buildkitImage()}`, 'network=host']

/** A run removed after the test (each test also removes every node's container: removeAll). */
function start(name: string, inputs: Record<string, string>, env: Record<string, string> = {}): Run {
  const run = newRun({ inputs: { name, use: 'false', 'driver-opts': nodeOpts().join('\n'), ...inputs }, env })
  afterTest(name, run)
  return run
}

function leftOnEngine(name: string): string[] {
  const ps = docker(['ps', '-a', '--filter', `name=buildx_buildkit_${name}`, '--format', '{{.Names}}'])
    .stdout.split('\n')
    .filter(Boolean)
  const vols = docker(['volume', 'ls', '--filter', `name=buildx_buildkit_${name}`, '--format', '{{.Name}}'])
    .stdout.split('\n')
    .filter(Boolean)
  const builder = docker(['buildx', 'inspect', name]).status === 0 ? [`builder ${name}`] : []
  return [...builder, ...ps.map(c => `container ${c}`), ...vols.map(v => `volume ${v}`)]
}

function removeAll(name: string): void {
  docker(['buildx', 'rm', name])
  for (const x of leftOnEngine(name)) {
    const [kind, id] = x.split(' ')
    if (kind === 'container') docker(['rm', '-f', '-v', id])
    if (kind === 'volume') docker(['volume', 'rm', '-f', id])
  }
}

const appendYaml = (ctx: string, extra = ''): string =>
  [`- name: second-node`, `  endpoint: ${ctx}`, `  driver-opts:`, ...nodeOpts().map(o => `    - ${o}`), extra].filter(Boolean).join('\n')

describeDocker('several nodes (append)', () => {
  test('two nodes, one config and one certificate set on both, each verified; post removes both', async () => {
    const name = uniqueName('nodes')
    const ctx = secondContext()
    const run = start(
      name,
      {
        append: appendYaml(ctx),
        platforms: process.arch === 'x64' ? 'linux/amd64' : 'linux/arm64',
        mirrors: 'docker.io=mirror.nodes.test',
        'registry-certs': `myregistry.test:5443 ca=${pki('ca.pem')} cert=${pki('client.crt')} key=env:REG_KEY`
      },
      { REG_KEY: fs.readFileSync(pki('client.key'), 'utf8') }
    )
    try {
      const main = await runMain(run)
      expect(errors(main.stdout)).toEqual([])
      expect(main.exitCode).toBe(0)
      const out = readOutputs(run)
      expect(out.verified).toBe('true')
      const nodes = JSON.parse(out.nodes) as {
        name: string
        endpoint: string
        verified: boolean
        status: string
        'driver-opts': string[]
      }[]
      expect(nodes.map(n => [n.name, n.endpoint, n.status, n.verified])).toEqual([
        [`${name}0`, expect.stringMatching(/^unix:\/\//), 'running', true],
        ['second-node', ctx, 'running', true]
      ])
      expect(out.nodes).not.toContain('BEGIN')
      // Independently of the action: each node's container has the config and the key.
      for (const container of [`buildx_buildkit_${name}0`, 'buildx_buildkit_second-node']) {
        const args = container.endsWith('second-node') ? ['--context', ctx] : []
        const cfg = parse(docker([...args, 'exec', container, 'cat', '/etc/buildkit/buildkitd.toml']).stdout) as {
          registry: Record<string, { mirrors?: string[]; keypair?: { key: string }[] }>
        }
        expect(cfg.registry['docker.io'].mirrors).toEqual(['mirror.nodes.test'])
        const keyPath = cfg.registry['myregistry.test:5443'].keypair![0].key
        expect(docker([...args, 'exec', container, 'sha256sum', keyPath]).stdout.split(' ')[0]).toBe(sha(pki('client.key')))
      }
      const summary = readSummary(run)
      expect(summary).toContain('<h3>Nodes</h3>')
      expect(summary).toContain('second-node')

      const post = await runPost(run)
      expect(errors(post.stdout)).toEqual([])
      expect(leftOnEngine(name.toLowerCase())).toEqual([])
      expect(
        docker(['--context', ctx, 'ps', '-a', '--filter', 'name=buildx_buildkit_second-node', '--format', '{{.Names}}']).stdout.trim()
      ).toBe('')
    } finally {
      removeAll(name)
      docker(['--context', ctx, 'rm', '-f', '-v', 'buildx_buildkit_second-node'])
    }
  })

  test('a node that fails to start fails the step, named, and the whole builder is removed', async () => {
    const name = uniqueName('nodefail')
    const ctx = secondContext()
    const run = start(name, { append: appendYaml(ctx, '  buildkitd-flags: --no-such-flag').replace('second-node', `${name}-b`) })
    try {
      const main = await runMain(run)
      expect(main.exitCode).not.toBe(0)
      const errs = errors(main.stdout).join('\n')
      expect(errs).toContain('append[0]')
      expect(errs).toContain('flag provided but not defined: -no-such-flag')
      expect(leftOnEngine(name.toLowerCase())).toEqual([])
    } finally {
      removeAll(name)
    }
  })

  test("a platform a node's daemon does not offer: that node is not verified, the other is", async () => {
    const name = uniqueName('nodeplat')
    const ctx = secondContext()
    const run = start(name, { verify: 'warn', append: appendYaml(ctx, '  platforms: linux/s390x').replace('second-node', `${name}-b`) })
    try {
      const main = await runMain(run)
      expect(main.exitCode).toBe(0)
      const out = readOutputs(run)
      expect(out.verified).toBe('false')
      const nodes = JSON.parse(out.nodes) as { name: string; verified: boolean }[]
      expect(nodes.map(n => [n.name, n.verified])).toEqual([
        [`${name}0`, true],
        [`${name}-b`, false]
      ])
      expect(main.stdout).toMatch(new RegExp(`node ${name}-b: the node was given platform linux/s390x, but its daemon offers only`))
      await runPost(run)
      expect(leftOnEngine(name.toLowerCase())).toEqual([])
    } finally {
      removeAll(name)
    }
  })
})
