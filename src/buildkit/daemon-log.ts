// The daemon's own log, as `docker logs` gives it, made readable: when the daemon won't
// start, the step's error says why in the daemon's words. Pure.

/**
 * Without NUL and other control bytes (a restarting container's log interleaves Go stack
 * frames written as binary), and without a line that repeats one already kept (each restart
 * prints the same error again).
 */
export function cleanLog(text: string): string {
  const seen = new Set<string>()
  const out: string[] = []
  // eslint-disable-next-line no-control-regex
  for (const raw of text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').split('\n')) {
    const line = raw.trimEnd()
    if (line === '' || seen.has(line)) continue
    seen.add(line)
    out.push(line)
  }
  return out.join('\n')
}

// What a daemon that exits at start prints, most telling first: cmd/buildkitd/main.go
// prints a start error as "buildkitd: <error>"; urfave/cli prints "Incorrect Usage." for a
// bad flag; logrus lines carry level=fatal/error; errors of the worker set-up begin with
// "failed to" (e.g. failed to read cni config "…"). Warnings (CDI) are not causes.
const CAUSES: RegExp[] = [
  /^buildkitd: .+/,
  /^Incorrect Usage\..*|flag provided but not defined: .+/,
  /level=fatal .*/,
  /^(failed to|invalid |unable to |could not ).+/i,
  /level=error .*/
]

/**
 * The line that says why the daemon stopped, or undefined. A restarting daemon prints the
 * same error each time while the interleaving garbles other lines, so among the lines of the
 * most telling kind the most frequent wins (then the first).
 */
export function firstError(log: string): string | undefined {
  const counts = new Map<string, number>()
  // eslint-disable-next-line no-control-regex
  for (const raw of log.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').split('\n')) {
    const line = raw.trim()
    if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1)
  }
  const best = (re: RegExp): string | undefined => {
    let top: [string, number] | undefined
    for (const [line, n] of counts) if (re.test(line) && (top === undefined || n > top[1])) top = [line, n]
    return top?.[0]
  }
  const found = CAUSES.map(best)
  const [start, , , wrap] = found
  // "buildkitd: %+v" prints the innermost error first and the messages wrapped around it on
  // later lines (pkg/errors): put them back together as the error reads.
  if (start !== undefined && wrap !== undefined) {
    const cause = start.replace(/^buildkitd: /, '')
    return wrap.includes(cause) ? wrap : `${wrap}: ${cause}`
  }
  const first = found.find(l => l !== undefined)
  return first === undefined ? undefined : logfmtMessage(first)
}

/** From a logrus line, its msg (and error) fields; any other line as it is. */
function logfmtMessage(line: string): string {
  const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]
  if (msg === undefined) return line
  const error = /\berror="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]
  const unq = (s: string): string => s.replace(/\\(["\\])/g, '$1')
  return error ? `${unq(msg)}: ${unq(error)}` : unq(msg)
}
