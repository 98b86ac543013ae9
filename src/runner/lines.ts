import { InputError } from './errors.js'

// Reading the text of inputs: lines, booleans, shell words. Pure, and imported by every
// module that parses an input, so it imports nothing of theirs.

export interface Line {
  n: number
  text: string
}

/** Non-empty lines with their 1-based numbers; `#` starts a comment line. */
export function inputLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ n: i + 1, text: raw.trim() }))
    .filter(l => l.text !== '' && !l.text.startsWith('#'))
}

export function parseBool(input: string, value: string, fallback?: boolean): boolean {
  const v = value.trim().toLowerCase()
  if (v === '' && fallback !== undefined) return fallback
  if (v === 'true') return true
  if (v === 'false') return false
  throw new InputError(input, undefined, `"${value}" is not a boolean; expected true or false`)
}

/** Splits text into words as a POSIX shell does (quotes and backslashes; no expansion). */
export function splitShellWords(text: string): string[] | undefined {
  const words: string[] = []
  let cur = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote === "'") {
      if (c === "'") quote = undefined
      else cur += c
    } else if (quote === '"') {
      if (c === '"') quote = undefined
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i]
      else cur += c
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur)
      cur = ''
      inWord = false
    } else {
      cur += c
      inWord = true
    }
  }
  if (quote) return undefined
  if (inWord) words.push(cur)
  return words
}
