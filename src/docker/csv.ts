// buildx reads each --driver-opt as one CSV record (builder/builder.go csvToMap: csvvalue.Fields,
// encoding/csv's rules with its defaults). One reader of that here, for the checks on
// driver-opts (driver-opts.ts), the kubernetes owner label merged into them
// (drivers/kubernetes/owner.ts), the planned record (drivers/ownership.ts) and the remote
// driver's TLS options (drivers/remote/). Pure.

/**
 * One CSV record as Go's encoding/csv reads it with its defaults (Comma ',', no LazyQuotes,
 * no TrimLeadingSpace): a field that starts with " is quoted, "" in it is one ", and its
 * closing " must end the field; a " anywhere else is an error (ErrBareQuote, ErrQuote).
 */
export function csvRecord(line: string): string[] | string {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (line[i] === '"') {
      i++
      for (;;) {
        if (i >= line.length) return 'a quoted field is not closed (extraneous or missing " in quoted-field)'
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += line[i++]
      }
      if (i < line.length && line[i] !== ',')
        return `a quoted field is followed by more than a comma (extraneous or missing " in quoted-field)`
    } else {
      while (i < line.length && line[i] !== ',') {
        if (line[i] === '"') return 'a " is inside a field that does not start with one (bare " in non-quoted-field)'
        field += line[i++]
      }
    }
    fields.push(field)
    if (i >= line.length) return fields
    i++ // the comma
  }
}

/** The fields of a line the input checks let through (a line CSV refuses is one field). */
export function csvFields(line: string): string[] {
  const fields = csvRecord(line)
  return typeof fields === 'string' ? [line] : fields
}

/** A field written so that csvRecord reads it back as it is. */
export function csvQuote(field: string): string {
  return /[",\n\r]/.test(field) || field.startsWith(' ') ? `"${field.replace(/"/g, '""')}"` : field
}
