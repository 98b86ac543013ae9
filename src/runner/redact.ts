import { setSecret } from './commands.js'

// Every secret this run knows of, as the runner would mask it: the whole value and each
// line on its own. The runner masks only what reaches it through `::add-mask::`, and only
// on GitHub; local runs and anything we print before registering would leak. So every
// line this action prints, sets as an output or writes to the summary goes through
// `redact()` as well: masking does not depend on the runner.
const secrets = new Set<string>()

// Lines shorter than this are PEM armour or padding fragments ("-----END PRIVATE KEY-----"
// is public; a 2-character base64 tail would mask half the log). The runner does the same
// for very short values.
const MIN_SECRET_LINE = 8

export function addSecret(value: string): void {
  const whole = value.trim()
  const lines = value.split(/\r?\n/).map(l => l.trim())
  const parts = [whole, ...lines.filter(l => !l.startsWith('-----'))]
  for (const part of parts) {
    if (part.length < MIN_SECRET_LINE || secrets.has(part)) continue
    secrets.add(part)
    setSecret(part)
  }
}

export function redact(text: string): string {
  if (secrets.size === 0 || text === '') return text
  let out = text
  // Longest first, so a whole key is replaced before its lines are.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join('***')
  }
  return out
}

export function hasSecrets(): boolean {
  return secrets.size > 0
}

/** Only for tests: forget every secret. */
export function resetSecrets(): void {
  secrets.clear()
}
