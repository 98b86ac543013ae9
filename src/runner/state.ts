import { getState, saveState } from './commands.js'

// What this run has made, held in one record: in memory for main's own clean-up, and in
// GITHUB_STATE for the post step (the runner gives it back as STATE_<name>). update()
// changes both in one call, so they can't disagree. Nothing secret goes here: state is a
// plain file on the runner.

export interface RunRecord {
  /** The builder's name as buildx registers it */
  builder: string
  /** Its buildx driver (the teardown's implementation) */
  driver: string
  /** This run's mark on the builder it creates (see buildx.ownerOpt); '' before there is one */
  owner: string
  /** `buildx create` was started: the builder may exist (a failed bootstrap leaves it registered) */
  created: boolean
  /** The builder is a kept one (an earlier run's, cleanup: false) that this run uses: no step of this run removes it */
  reused: boolean
  /** The run's directory under RUNNER_TEMP; '' when there is none (any more) */
  runDir: string
  cleanup: boolean
  keepState: boolean
  /** The buildx plugin this run installed, as JSON ({pluginPath, backupPath, sha256}); '' when none */
  plugin: string
  /** The docker context this run made of the default context's TLS environment (drivers/tls-context.ts); '' when none */
  tlsContext: string
}

const Keys = {
  builder: 'builderName',
  driver: 'driver',
  owner: 'owner',
  created: 'builderCreated',
  reused: 'builderReused',
  runDir: 'runDir',
  cleanup: 'cleanup',
  keepState: 'keepState',
  plugin: 'buildxPlugin',
  tlsContext: 'tlsContext'
} as const satisfies Record<keyof RunRecord, string>

function load(): RunRecord {
  const get = (k: keyof RunRecord): string => getState(Keys[k])
  return {
    builder: get('builder'),
    driver: get('driver') || 'docker-container',
    owner: get('owner'),
    created: get('created') === 'true',
    reused: get('reused') === 'true',
    runDir: get('runDir'),
    cleanup: get('cleanup') !== 'false',
    keepState: get('keepState') === 'true',
    plugin: get('plugin'),
    tlsContext: get('tlsContext')
  }
}

let current: RunRecord | undefined

/** The run record: what main saved (in post), or what main has recorded so far. */
export function record(): Readonly<RunRecord> {
  current ??= load()
  return current
}

/** Changes the record, in memory and in GITHUB_STATE. */
export function update(patch: Partial<RunRecord>): void {
  const rec = { ...record(), ...patch }
  for (const k of Object.keys(patch) as (keyof RunRecord)[]) saveState(Keys[k], String(rec[k]))
  current = rec
}

/** Only for tests: forget the record, so the next record() reads the state again. */
export function resetRecord(): void {
  current = undefined
}
