import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { leaveArgs, rmArgs } from '../buildx.js'
import * as docker from '../docker.js'
import { lastLine, run, type RunResult } from '../exec.js'
import { tempRoot } from '../files.js'
import { RESOLVE_TIMEOUT_SECONDS } from '../prove.js'
import { daemonFromInspect, parseInspect } from '../inspect.js'
import { csvQuote } from '../csv.js'
import { historyRef, outlineArgs, remoteCreateArgs, resolveRecord } from '../remote.js'
import { claimFreeName, createNodes } from './shared.js'
import type { Driver, NodeRef, Observation } from './driver.js'

// buildx's remote driver (driver/remote, docker/buildx v0.29.1): the builder is buildx's
// record of daemons that run elsewhere. Nothing is copied into them and their logs are not
// ours to read, so observation is the daemon's own answer through buildx (`buildx inspect
// --bootstrap`, read silently: for this driver it holds no files, but it is never printed
// all the same) and verify-pull runs from the runner through buildx (`buildx build --call
// outline`): the only way to prove what the remote daemon's own registry config does.

export const remote: Driver = {
  name: 'remote',
  createsBuilder: true,
  claim: async asked => claimFreeName(asked),
  create: createNodes,
  observe: async (plan, node): Promise<Observation> => ({ daemon: await inspectDaemon(plan.builder, node.Name) }),
  readsDaemonLog: false,
  resolve: (node, refs, builder) => resolveFromRunner(node, refs, builder),
  // A remote daemon's log can't be read from here. Not '': an empty log would tell prove.ts
  // that no host failed, i.e. that the first host of the chain served every reference.
  logSince: () => Promise.reject(new Error("a remote daemon's log can't be read from the runner")),
  logTail: async () => '',
  owner: builder => docker.builderOwner(builder),
  nodes: builder => docker.builderNodes(builder),
  // buildx rm of a remote builder removes its record; the daemon and its state are untouched
  // (driver.go Rm does nothing), so keep-state means nothing here.
  remove: builder => docker.removeBuilder(rmArgs(builder, false)),
  // The daemons are someone else's by design: buildx rm never touches them (driver.go Rm).
  occupant: () => Promise.resolve(undefined),
  leave: (builder, node) => docker.leaveNode(leaveArgs(builder, node))
}

/** The daemon's answer for one node: `docker buildx inspect --bootstrap`, silently. */
export async function inspectDaemon(builder: string, nodeName: string): Promise<Observation['daemon']> {
  const res = await docker.inspectBuilder(builder)
  if (res.exitCode !== 0) return { error: `docker buildx inspect --bootstrap failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}` }
  return daemonFromInspect(parseInspect(res.stdout), nodeName)
}

/**
 * Resolves each reference through the node's daemon from the runner, one after the other,
 * and answers in RESOLVE_SCRIPT's marker format (prove.ts parseResolveOutput). A builder of
 * several nodes lets buildx pick the node, so such a node is reached through a builder of its
 * own, with the same endpoint and driver options, removed afterwards.
 */
export async function resolveFromRunner(node: NodeRef, refs: string[], builder: string): Promise<RunResult> {
  const nodes = docker.builderNodes(builder)
  const rec = nodes.find(n => n.Name === node.Name)
  if (!rec) return { exitCode: 1, stdout: '', stderr: `buildx has no node ${node.Name} in builder ${builder}` }
  let through = builder
  if (nodes.length > 1) {
    through = `${builder}-prove-${randomUUID().slice(0, 8)}`
    const opts = Object.entries(rec.DriverOpts ?? {}).map(([k, v]) => csvQuote(`${k}=${v}`))
    const made = await run(
      'docker',
      remoteCreateArgs({ name: through, endpoint: rec.Endpoint, driverOpts: opts, use: false, bootstrap: false })
    )
    if (made.exitCode !== 0) {
      await run('docker', rmArgs(through, false))
      return {
        exitCode: made.exitCode,
        stdout: '',
        stderr: `a builder for node ${node.Name} alone could not be made: ${lastLine(made.stderr)}`
      }
    }
  }
  const dir = fs.mkdtempSync(path.join(tempRoot(), 'buildkit-builder-prove-'))
  try {
    let stdout = ''
    for (const [i, ref] of refs.entries()) {
      const ctx = path.join(dir, String(i + 1))
      fs.mkdirSync(ctx)
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${ref}\n`)
      const meta = path.join(dir, `${i + 1}.json`)
      const t0 = Date.now()
      // coreutils timeout: exec.ts has no time limit of its own; buildx ends its build on SIGTERM.
      const res = await run('timeout', ['--kill-after=5', String(RESOLVE_TIMEOUT_SECONDS), 'docker', ...outlineArgs(through, ctx, meta)])
      const seconds = Math.round((Date.now() - t0) / 1000)
      stdout += resolveRecord(i + 1, res.stderr, res.exitCode, seconds)
      // The build's history record, so `buildx history ls` shows only the user's builds.
      const record = fs.existsSync(meta) ? historyRef(fs.readFileSync(meta, 'utf8')) : undefined
      if (record) await run('docker', ['buildx', 'history', 'rm', '--builder', through, record])
    }
    return { exitCode: 0, stdout, stderr: '' }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    if (through !== builder) await run('docker', rmArgs(through, false))
  }
}
