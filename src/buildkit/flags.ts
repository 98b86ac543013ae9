// Daemon flags as words. Pure.

/** Values given for a flag, as `--name value` or `--name=value` ('' for a bare `--name`). */
export function flagValues(words: string[], name: string): string[] {
  const values: string[] = []
  words.forEach((w, i) => {
    if (w === name) values.push(i + 1 < words.length && !words[i + 1].startsWith('-') ? words[i + 1] : '')
    else if (w.startsWith(`${name}=`)) values.push(w.slice(name.length + 1))
  })
  return values
}
