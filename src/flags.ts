import { InputError } from './errors.js'

// Daemon flags as words: merging the flags a feature needs into the user's. Pure.

/**
 * Appends the flags a feature needs (`--name=value`) to the user's. A flag the user already
 * gives with the same value is not repeated; with another value it is a conflict.
 */
export function mergeFlags(user: string[], extra: string[]): string[] {
  const out = [...user]
  for (const e of extra) {
    const eq = e.indexOf('=')
    const name = eq === -1 ? e : e.slice(0, eq)
    const value = eq === -1 ? undefined : e.slice(eq + 1)
    const given = flagValues(user, name)
    if (given.length === 0) out.push(e)
    else if (value !== undefined && given.some(v => v !== value)) {
      throw new InputError('buildkitd-flags', undefined, `sets ${name} ${given.join(', ')}, but this configuration needs ${name}=${value}`)
    }
  }
  return out
}

/** Values given for a flag, as `--name value` or `--name=value` ('' for a bare `--name`). */
export function flagValues(words: string[], name: string): string[] {
  const values: string[] = []
  words.forEach((w, i) => {
    if (w === name) values.push(i + 1 < words.length && !words[i + 1].startsWith('-') ? words[i + 1] : '')
    else if (w.startsWith(`${name}=`)) values.push(w.slice(name.length + 1))
  })
  return values
}
