import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'

// Files that inputs name (buildkitd-config, cni-config; certs.ts reads registry-certs' and
// the remote driver's the same way): an error that names the input, the line and the path,
// and says why in words, never a bare errno.

/** Why a file could not be read, from the error fs gave. */
export function fileReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'does not exist'
    case 'EACCES':
    case 'EPERM':
      return "can't be read: permission denied (the runner's user may not read it, or may not enter a directory on its path)"
    case 'EISDIR':
      return 'is a directory'
    case 'ENOTDIR':
      return 'does not exist: a part of its path is a file, not a directory'
    case 'ELOOP':
      return "can't be read: its path has a loop of symbolic links"
    case 'ENAMETOOLONG':
      return "can't be read: its path is too long"
    default:
      return `can't be read (${code ?? (err instanceof Error ? err.message : String(err))})`
  }
}

/** A file an input names, as text; an InputError naming input, line and path otherwise. */
export function readInputFile(input: string, line: number | undefined, file: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8')
  } catch (err) {
    throw new InputError(input, line, `file "${file}" ${fileReason(err)}`)
  }
}

/**
 * Where JSON.parse stopped, as line and column, without the text around it: V8's messages
 * quote the start of the input ("Unexpected token 'g', "ghp_…" is not valid JSON"), and a
 * file named by mistake may be a token.
 */
export function jsonErrorAt(err: unknown, text: string): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '')
  if (/Unexpected end of JSON input/.test(err instanceof Error ? err.message : '')) return 'it ends too early'
  if (!m) return 'the text where it stopped is not shown: it may be a secret'
  const before = text.slice(0, Number(m[1]))
  const line = before.split('\n').length
  return `at line ${line}, column ${before.length - before.lastIndexOf('\n')}`
}
