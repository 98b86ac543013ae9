import * as core from '@actions/core'

// What main hands to post. The runner keeps it in GITHUB_STATE and gives it back to the
// post step as STATE_<name>. Nothing secret goes here: state is written to a file on the
// runner in plain text.
const Key = {
  IsPost: 'isPost',
  BuilderName: 'builderName',
  BuilderCreated: 'builderCreated',
  RunDir: 'runDir',
  Cleanup: 'cleanup',
  KeepState: 'keepState'
} as const

// The entry point runs twice (main, then post); the first run marks the state so the
// second knows it is the post step.
export const isPost = core.getState(Key.IsPost) === 'true'
export function markMainRan(): void {
  core.saveState(Key.IsPost, 'true')
}

export const getBuilderName = (): string => core.getState(Key.BuilderName)
export const setBuilderName = (name: string): void => core.saveState(Key.BuilderName, name)

export const getBuilderCreated = (): boolean => core.getState(Key.BuilderCreated) === 'true'
export const setBuilderCreated = (created: boolean): void =>
  core.saveState(Key.BuilderCreated, String(created))

export const getRunDir = (): string => core.getState(Key.RunDir)
export const setRunDir = (dir: string): void => core.saveState(Key.RunDir, dir)

export const getCleanup = (): boolean => core.getState(Key.Cleanup) !== 'false'
export const setCleanup = (cleanup: boolean): void => core.saveState(Key.Cleanup, String(cleanup))

export const getKeepState = (): boolean => core.getState(Key.KeepState) === 'true'
export const setKeepState = (keep: boolean): void => core.saveState(Key.KeepState, String(keep))
