// An error in what the user wrote. The message names the input and, where there is one,
// the line, so the user can find it without reading our code.
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly line: number | undefined,
    detail: string
  ) {
    super(`input "${input}"${line === undefined ? '' : `, line ${line}`}: ${detail}`)
    this.name = 'InputError'
  }
}
