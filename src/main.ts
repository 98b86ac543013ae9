import * as core from '@actions/core'
import { containerName, rmArgs, type Addition } from './buildx.js'
import { loadRegistryCerts, type RegistryCerts } from './certs.js'
import { prepareCni } from './cni-image.js'
import * as docker from './docker.js'
import { createRunDir, removeRunDir, writePlanFiles } from './files.js'
import { getInputs, type Inputs } from './inputs.js'
import { makePlan, type Plan } from './plan.js'
import { redact } from './redact.js'
import * as state from './state.js'
import { verificationText, writeFailureSummary, writeSummary, type Outcome } from './summary.js'
import { compare, parseWorkers, type DaemonInfo } from './verify.js'

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
  const { sets, warnings } = loadRegistryCerts(inputs.certRequests)
  for (const w of warnings) core.warning(redact(w))
  core.info(`builder ${inputs.name}, driver ${inputs.driver}`)
  for (const set of sets) {
    core.info(`${set.registry}: ${set.cas.length} CA file(s), ${set.keypairs.length} client keypair(s), checked`)
  }
  return { inputs, certs: sets }
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
  if (outcome.verified) {
    core.info(`config, daemon arguments and ${plan.expect.files.length} copied file(s) match the plan`)
  } else if (inputs.verify === 'warn') {
    core.warning(failureText(outcome))
  } else {
    // Failed by runMain once outputs and summary are written; the message is shown then.
    core.info(`${outcome.problems.length} problem(s) found`)
  }
  return outcome
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
  core.info(`verification: ${verificationText(o)}`)
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
