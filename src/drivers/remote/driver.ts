import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { leaveArgs, rmArgs } from '../../docker/buildx.js'
import * as docker from '../../docker/cli.js'
import { lastLine, run, type RunResult } from '../../runner/exec.js'
import { tempRoot } from '../../runner/run-dir.js'
import { RESOLVE_TIMEOUT_SECONDS } from '../../buildkit/resolve.js'
import { daemonFromInspect, parseInspect } from '../../buildkit/buildx-inspect.js'
import { csvQuote } from '../../docker/csv.js'
import { historyRef, outlineArgs, remoteCreateArgs, resolveRecord } from './buildx-args.js'
import type { Inputs } from '../../inputs/model.js'
import type { NodePlanContext, NodesPlan, PlannedFile, PlannedNode } from '../../plan/plan.js'
import * as log from '../../runner/log.js'
import { addSecret } from '../../runner/redact.js'
import { CONTAINER_NODE_LIMIT, claimFreeName, createNodes } from '../common.js'
import {
  parseNodeTls,
  REMOTE_NAME_LIMIT,
  remoteEndpointProblem,
  remoteInputProblems,
  tlsFromEnv,
  tlsVarWarnings,
  usesTls
} from './inputs.js'
import { loadRemoteTls, remoteTlsFiles, type LoadedRemoteTls } from './tls.js'
import { remoteMarkOf, remoteNodeName } from './owner.js'
import type { Driver, NodeRef, ReadBackResult } from '../driver.js'
import { optionLines } from '../../docker/buildx-record.js'

// buildx's remote driver (driver/remote, docker/buildx v0.29.1): the builder is buildx's
// record of daemons that run elsewhere. Nothing is copied into them and their logs are not
// ours to read, so observation is the daemon's own answer through buildx (`buildx inspect
// --bootstrap`, read silently: for this driver it holds no files, but it is never printed
// all the same) and verify-pull runs from the runner through buildx (`buildx build --call
// outline`): the only way to prove what the remote daemon's own registry config does.

export const remote: Driver = {
  name: 'remote',
  createsBuilder: true,
  takesConfig: false,
  // The daemon runs with its own flags: buildx refuses any for this driver.
  defaultFlags: [],
  maxBuilderName: REMOTE_NAME_LIMIT,
  maxNodeName: CONTAINER_NODE_LIMIT,
  nodeEndpoints: true,
  // buildx's remote driver dials the daemon itself (driver/remote/driver.go Dial): the engine
  // is never asked, and buildx may run standalone (checked: create, inspect --bootstrap, verify-pull
  // and rm with DOCKER_HOST on a socket nobody serves and no docker CLI on PATH). A docker-container://
  // endpoint is the exception: buildx reaches that daemon through the docker CLI.
  usesEngine: false,
  endpointProblem: remoteEndpointProblem,
  // Each node's TLS options (driver-opts and BUILDER_NODE_<n>_AUTH_TLS_*), checked as the nodes are read.
  checkNode: n => void parseNodeTls(n),
  inputProblems: remoteInputProblems,
  keptKeysPlace: "in the builder's container (/etc/buildkit/certs)",
  prepare: inputs => loadTls(inputs),
  planNodes: ctx => remoteNodes(ctx),
  claim: async asked => claimFreeName(asked),
  create: createNodes,
  readBackNode: async (plan, node): Promise<ReadBackResult> => ({ daemon: await inspectDaemon(plan.builder, node.Name) }),
  readsDaemonLog: false,
  resolve: (node, refs, builder) => resolveFromRunner(node, refs, builder),
  // A remote daemon's log can't be read from here. Not '': an empty log would tell verify/proof.ts
  // that no host failed, i.e. that the first host of the chain served every reference.
  logSince: () => Promise.reject(new Error("a remote daemon's log can't be read from the runner")),
  logTail: async () => '',
  owner: builder => docker.builderOwner(builder, remoteMarkOf),
  // The mark is in the first node's name, not in its options.
  withoutOwner: optionLines,
  nodes: builder => docker.builderNodes(builder),
  // buildx rm of a remote builder removes its record; the daemon and its state are untouched
  // (driver.go Rm does nothing), so keep-state means nothing here.
  remove: builder => docker.removeBuilder(rmArgs(builder, false)),
  // The daemons are someone else's by design: buildx rm never touches them (driver.go Rm).
  occupant: () => Promise.resolve(undefined),
  leave: (builder, node) => docker.leaveNode(leaveArgs(builder, node))
}

/** The daemon's answer for one node: `docker buildx inspect --bootstrap`, silently. */
export async function inspectDaemon(builder: string, nodeName: string): Promise<ReadBackResult['daemon']> {
  const res = await docker.inspectBuilder(builder)
  if (res.exitCode !== 0) return { error: `docker buildx inspect --bootstrap failed (exit code ${res.exitCode}): ${lastLine(res.stderr)}` }
  return daemonFromInspect(parseInspect(res.stdout), nodeName)
}

/**
 * Resolves each reference through the node's daemon from the runner, one after the other,
 * and answers in RESOLVE_SCRIPT's marker format (buildkit/resolve.ts parseResolveOutput). A builder of
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
    const made = await docker.runBuildx(
      remoteCreateArgs({ name: through, endpoint: rec.Endpoint, driverOpts: opts, use: false, bootstrap: false })
    )
    if (made.exitCode !== 0) {
      await docker.runBuildx(rmArgs(through, false))
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
      const outline = docker.buildxArgv(outlineArgs(through, ctx, meta))
      const res = await run('timeout', ['--kill-after=5', String(RESOLVE_TIMEOUT_SECONDS), outline.command, ...outline.args])
      const seconds = Math.round((Date.now() - t0) / 1000)
      stdout += resolveRecord(i + 1, res.stderr, res.exitCode, seconds)
      // The build's history record, so `buildx history ls` shows only the user's builds.
      const record = fs.existsSync(meta) ? historyRef(fs.readFileSync(meta, 'utf8')) : undefined
      if (record) await docker.runBuildx(['buildx', 'history', 'rm', '--builder', through, record])
    }
    return { exitCode: 0, stdout, stderr: '' }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    if (through !== builder) await docker.runBuildx(rmArgs(through, false))
  }
}

/**
 * Each node's files for the TLS connection to its daemon, read and checked (keys masked), from
 * its driver-opts and docker/setup-buildx-action's BUILDER_NODE_<n>_AUTH_TLS_* variables, whose
 * values are all masked (users pass them as secrets) and never echoed.
 */
function loadTls(inputs: Inputs): LoadedRemoteTls[] {
  for (const w of tlsVarWarnings(inputs.nodes, process.env)) log.warning(w)
  return inputs.nodes.map(n => {
    for (const name of Object.values(tlsFromEnv(n, process.env).vars)) addSecret(process.env[name] ?? '')
    const tls = parseNodeTls(n)
    const loaded = loadRemoteTls(tls)
    for (const w of loaded.warnings) log.warning(w)
    if (usesTls(tls))
      log.info(
        `${n.label}: TLS to ${n.endpoint} with ` +
          `${[loaded.tls.cacert && 'a CA', loaded.tls.cert && 'a client certificate and key'].filter(Boolean).join(' and ')}, checked`
      )
    return loaded.tls
  })
}

/**
 * No config and no daemon flags (buildx refuses both for this driver), TLS files for the
 * connection under <runDir>/remote/<i> (they must live as long as the builder: buildx reads
 * them on every connection), and the owner mark in the first node's name.
 */
function remoteNodes(ctx: NodePlanContext): NodesPlan {
  const { inputs, runDir, owner } = ctx
  const tls = (ctx.prepared as LoadedRemoteTls[] | undefined) ?? []
  const dirs: string[] = []
  const files: PlannedFile[] = []
  const nodes = inputs.nodes.map((n, i): PlannedNode => {
    const out = remoteTlsFiles(tls[i] ?? { other: n.driverOpts }, path.join(runDir, 'remote', String(i)), n.label)
    if (out.files.length > 0 && !dirs.includes(path.join(runDir, 'remote'))) dirs.push(path.join(runDir, 'remote'))
    dirs.push(...out.dirs)
    files.push(...out.files)
    const name = i === 0 ? remoteNodeName(inputs.name, owner) : n.name
    return {
      label: n.label,
      name,
      endpoint: n.endpoint,
      createArgs: remoteCreateArgs({
        name: inputs.name,
        node: name,
        endpoint: n.endpoint,
        driverOpts: out.driverOpts,
        platforms: n.platforms,
        use: inputs.use,
        append: i > 0,
        bootstrap: inputs.nodes.length === 1
      }),
      args: [],
      platforms: n.platforms
    }
  })
  return { nodes, dirs, files }
}
