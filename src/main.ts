import * as core from '@actions/core'
import { containerName, rmArgs, type Addition } from './buildx.js'
import { loadRegistryCerts, type RegistryCerts } from './certs.js'
import { prepareCni } from './cni-image.js'
import * as docker from './docker.js'
import { createRunDir, removeRunDir, writePlanFiles } from './files.js'
import { getInputs, type Inputs } from './inputs.js'
import { configTree, makePlan, type Plan } from './plan.js'
import { httpMirrorsWithoutHttp, unknownOrMistyped } from './schema.js'
import { InputError } from './errors.js'
import { redact } from './redact.js'
import * as state from './state.js'
import { verificationText, writeFailureSummary, writeSummary, type Outcome } from './summary.js'
import { compare, parseWorkers, type DaemonInfo } from './verify.js'
import type { PemRef } from './certs.js'
import { lastLine } from './exec.js'
import {
  attemptsFor,
  hostChain,
  judgePull,
  judgeProbe,
  parseResolveOutput,
  probes,
  resolvedRef,
  type Attempt,
  type CertSource,
  type ExplainContext
} from './prove.js'
import { pullLine } from './summary.js'

// The main step: a list of named steps, each in its own log group.
export async function runMain(): Promise<void> {
  state.markMainRan()
  const { inputs, certs } = await core.group('Read and check inputs', async () => readInputs())
  await core.group('Check Docker and Buildx', checkTools)
  await core.group(`Check that builder ${inputs.name} does not exist yet`, () => checkNameFree(inputs.name))

  const run: RunRecord = { runDir: createRunDir(), builderCreated: false }
  state.setRunDir(run.runDir)
  try {
    const cni = inputs.cni
    const addition = cni ? await core.group('Prepare the CNI image', () => prepareCni(cni, run.runDir)) : {}
    const plan = await core.group('Render buildkitd.toml', async () => render(inputs, certs, run.runDir, addition))
    await core.group('Write config and certificates', async () => writeFiles(plan))
    await core.group(`Create builder ${plan.builder}`, () => create(plan, inputs, run))
    const outcome = await core.group('Verify the builder', () => verifyBuilder(plan, inputs))
    if (wantsProof(inputs, outcome)) await core.group('Prove it: resolve through the builder', () => prove(plan, inputs, outcome))
    await core.group('Outputs and job summary', () => report(plan, inputs, outcome, run))
    if (!outcome.verified && inputs.verify === 'true') throw new Error(failureText(outcome))
  } catch (err) {
    await core.group('Clean up after failure', () => cleanUpAfterFailure(inputs.name, run, err))
    throw err
  }
}

/** What this run has made so far, for the clean-up after a failure. */
interface RunRecord {
  runDir: string
  builderCreated: boolean
  summaryWritten?: boolean
}

function readInputs(): { inputs: Inputs; certs: RegistryCerts[] } {
  const inputs = getInputs()
  checkKeys(inputs)
  const { sets, warnings } = loadRegistryCerts(inputs.certRequests)
  for (const w of warnings) core.warning(redact(w))
  core.info(`builder ${inputs.name}, driver ${inputs.driver}`)
  for (const set of sets) {
    core.info(`${set.registry}: ${set.cas.length} CA file(s), ${set.keypairs.length} client keypair(s), checked`)
  }
  return { inputs, certs: sets }
}

/**
 * Keys BuildKit would ignore without a word (it decodes its config leniently), values it
 * can't decode, and http:// mirrors it would speak HTTPS to: errors before anything is
 * created, or warnings with verify: warn. Only a base config can hold them.
 */
function checkKeys(inputs: Inputs): void {
  const tree = configTree(inputs)
  const problems = [...unknownOrMistyped(tree), ...httpMirrorsWithoutHttp(tree)]
  if (problems.length === 0) return
  const input = inputs.baseConfig?.input ?? 'buildkitd-config'
  const text = problems.map(p => `${p.key}: ${p.message}`)
  if (inputs.verify === 'warn') {
    for (const t of text) core.warning(redact(`input "${input}": ${t}`))
    return
  }
  throw new InputError(input, undefined, text.length === 1 ? text[0] : `\n- ${text.join('\n- ')}`)
}

async function checkTools(): Promise<void> {
  const v = await docker.toolVersions()
  core.info(`Docker engine ${v.docker}; ${v.buildx}`)
}

async function checkNameFree(name: string): Promise<void> {
  if (await docker.builderExists(name)) {
    throw new Error(
      `a builder named "${name}" already exists; choose another name (or leave name empty for a generated one), or remove it with "docker buildx rm ${name}"`
    )
  }
  core.info(`no builder named ${name} yet`)
}

function render(inputs: Inputs, certs: RegistryCerts[], runDir: string, addition: Addition): Plan {
  const plan = makePlan(inputs, certs, runDir, addition)
  for (const o of plan.overrides) {
    core.notice(
      `${o.key}: the structured inputs override the base config (${JSON.stringify(o.from)} → ${JSON.stringify(o.to)})`
    )
  }
  if (plan.image) core.info(`BuildKit image: ${plan.image}`)
  core.info(redact(plan.configText))
  return plan
}

function writeFiles(plan: Plan): void {
  writePlanFiles(plan)
  core.info(`${plan.configPath}`)
  for (const f of plan.files) core.info(`${f.hostPath} (${f.label}, mode ${f.mode.toString(8)})`)
}

async function create(plan: Plan, inputs: Inputs, run: RunRecord): Promise<void> {
  state.setBuilderName(plan.builder)
  state.setCleanup(inputs.cleanup)
  state.setKeepState(inputs.keepState)
  // Recorded before the command: a failed bootstrap leaves the builder registered.
  run.builderCreated = true
  state.setBuilderCreated(true)
  await docker.createBuilder(plan.createArgs)
}

async function verifyBuilder(plan: Plan, inputs: Inputs): Promise<Outcome> {
  let daemon: DaemonInfo | undefined
  const problems: string[] = []
  try {
    daemon = parseWorkers(await docker.workersJson(plan.container))
    core.info(`BuildKit ${daemon.version}, ${daemon.workers} worker(s), platforms ${daemon.platforms.join(', ')}, network ${daemon.network ?? 'unknown'}`)
  } catch (err) {
    problems.push(`the daemon did not answer: ${(err as Error).message}`)
  }
  if (inputs.verify === 'false') {
    core.info('verify: false — the read-back comparison is skipped')
    return { verified: false, mode: 'false', problems: [], daemon }
  }
  try {
    const rb = await docker.readBack(plan.container, plan.expect.files.map(f => f.path))
    problems.push(...compare(plan.expect, rb, daemon))
  } catch (err) {
    problems.push(`the builder could not be read back: ${(err as Error).message}`)
  }
  const outcome: Outcome = { verified: problems.length === 0, mode: inputs.verify, problems, daemon }
  // The problems are shown once, with those of the proof, when outputs are written.
  if (outcome.verified) core.info(`config, daemon arguments and ${plan.expect.files.length} copied file(s) match the plan`)
  else core.info(`${outcome.problems.length} problem(s) found`)
  return outcome
}

function wantsProof(inputs: Inputs, o: Outcome): boolean {
  if (inputs.verifyPull.length === 0 && !inputs.checkRegistries) return false
  if (inputs.verify === 'false') {
    core.info('verify: false — verify-pull and check-registries are skipped')
    return false
  }
  if (!o.daemon) {
    core.info('the daemon did not answer: nothing can be resolved through it')
    return false
  }
  return true
}

/**
 * verify-pull and check-registries: the daemon resolves each reference with the config
 * under test, then its log says which host answered (prove.ts).
 */
async function prove(plan: Plan, inputs: Inputs, o: Outcome): Promise<void> {
  const checks = inputs.checkRegistries ? probes(plan.tree) : []
  const refs = [...inputs.verifyPull, ...checks.map(c => c.ref)]
  // docker logs --since has the engine's clock, the same as ours for a local engine; a
  // second of margin, and the span of each reference keeps other lines out.
  const since = Date.now() / 1000 - 1
  const res = await docker.resolveInBuilder(plan.container, refs.map(r => r.normalised))
  const resolutions = parseResolveOutput(res.stdout, refs.length)
  if (resolutions.some(r => r === undefined)) {
    core.warning(redact(`resolving in the builder stopped early (exit code ${res.exitCode}): ${lastLine(res.stderr || res.stdout)}`))
  }
  let log: string | undefined
  try {
    log = await docker.daemonLogSince(plan.container, since)
  } catch (err) {
    core.warning(redact(`${(err as Error).message}: which host served each reference can't be told`))
  }
  const ctx: ExplainContext = { tree: plan.tree, certs: certSources(inputs) }
  const attempts = (i: number): Attempt[] | undefined =>
    log === undefined ? undefined : attemptsFor(log, resolvedRef(resolutions[i]?.stderr ?? '', refs[i].normalised))

  o.pulls = inputs.verifyPull.map((ref, i) => {
    const j = judgePull(ref, hostChain(plan.tree, ref.registry), resolutions[i], attempts(i), ctx)
    core.info(redact(pullLine(j.pull, j.hint)))
    if (j.problem) o.problems.push(j.problem)
    return j.pull
  })
  if (inputs.checkRegistries) {
    const seen = new Set<string>()
    o.registries = checks
      .flatMap((c, k) => judgeProbe(c.chain, resolutions[inputs.verifyPull.length + k], attempts(inputs.verifyPull.length + k), ctx))
      .filter(r => !seen.has(r.host) && (seen.add(r.host), true))
    for (const r of o.registries) {
      core.info(redact(`${r.host}: ${r.ok ? 'answers over its configured connection' : `FAILED: ${r.error}`}`))
      if (!r.ok) o.problems.push(`check-registries: ${r.error}`)
    }
    if (checks.length === 0) core.info('check-registries: the config names no registry')
  }
  o.verified = o.problems.length === 0
}

/** Where the inputs gave each registry's CA and client certificate, for messages. */
function certSources(inputs: Inputs): Map<string, CertSource> {
  const where = (r: PemRef): string => (r.line !== undefined ? `${r.input} line ${r.line}` : `${r.input} ${r.where ?? ''}`.trim())
  const m = new Map<string, CertSource>()
  for (const req of inputs.certRequests) {
    const s = m.get(req.registry) ?? {}
    if (req.cas.length > 0) s.ca ??= where(req.cas[0])
    if (req.keypairs.length > 0) s.keypair ??= where(req.keypairs[0].cert)
    m.set(req.registry, s)
  }
  return m
}

function failureText(o: Outcome): string {
  return redact(`the builder does not run with the planned configuration:\n- ${o.problems.join('\n- ')}`)
}

async function report(plan: Plan, inputs: Inputs, o: Outcome, run: RunRecord): Promise<void> {
  core.setOutput('name', plan.builder)
  core.setOutput('driver', inputs.driver)
  core.setOutput('platforms', o.daemon?.platforms.join(',') ?? '')
  core.setOutput('buildkit-version', o.daemon?.version ?? '')
  core.setOutput('config', redact(plan.configText))
  core.setOutput('verified', String(o.verified))
  core.setOutput('pulls', redact(JSON.stringify(o.pulls ?? [])))
  core.setOutput('registries', redact(JSON.stringify(o.registries ?? [])))
  core.info(`verification: ${verificationText(o)}`)
  // With verify: true, runMain fails the step with the same text once the summary is written.
  if (!o.verified && o.mode === 'warn') core.warning(failureText(o))
  await writeSummary(plan, o, inputs.driver)
  run.summaryWritten = true
}

async function showDaemonLog(builder: string): Promise<void> {
  const tail = await docker.daemonLogTail(builder)
  if (tail !== '') core.info(`last lines of the daemon's log:\n${redact(tail)}`)
}

async function cleanUpAfterFailure(name: string, run: RunRecord, err: unknown): Promise<void> {
  if (run.builderCreated) {
    if (await docker.containerExists(containerName(name))) await showDaemonLog(name)
    // buildx leaves a builder whose bootstrap failed registered; remove it and its state.
    const rm = await docker.removeBuilder(rmArgs(name, false))
    if (!rm.ok) core.warning(redact(`could not remove builder ${name}: ${rm.message}`))
    run.builderCreated = false
    state.setBuilderCreated(false)
  }
  removeRunDir(run.runDir)
  state.setRunDir('')
  core.info('builder and files of this run removed')
  if (!run.summaryWritten) await writeFailureSummary(name, err instanceof Error ? err.message : String(err))
}
