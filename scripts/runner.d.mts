export const root: string
export function actionDefaults(file?: string): Record<string, string>
export function actionInputs(file?: string): { names: string[]; defaults: Record<string, string> }
/** The script a step runs, as action.yml's runs section names it. */
export function actionScript(step: 'main' | 'post', file?: string): string
export function asShown(line: string): string | undefined
export function parseCommandFile(text: string): Record<string, string>
export interface StepResult {
  exitCode: number
  stdout: string
  stderr: string
}
export interface Run {
  env: Record<string, string>
  files: { output: string; state: string; summary: string }
  work: string
  runnerTemp: string
  cwd?: string
}
export function newRun(options?: {
  inputs?: Record<string, string>
  env?: Record<string, string>
  runnerTemp?: string
  workspace?: string
}): Run
export function runMain(run: Run, options?: { echo?: boolean }): Promise<StepResult>
export function runPost(run: Run, options?: { echo?: boolean }): Promise<StepResult>
export function readOutputs(run: Run): Record<string, string>
export function readState(run: Run): Record<string, string>
export function readSummary(run: Run): string
export function disposeRun(run: Run): void
