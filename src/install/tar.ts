import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { createGunzip } from 'node:zlib'

// A small tar reader for the CNI plugins archive: the archive kept in the tool cache is
// hashed and its plugins read out in one pass over the file (the bytes that are hashed are
// the bytes that are unpacked), instead of unpacking a directory once and trusting it later.
// TarReader is pure (bytes in, entries out); readTgz is the one function that reads a file.
// Only what release archives hold is understood: ustar and GNU headers, GNU long names ('L')
// and pax path records ('x'); other entries are skipped.

export interface TarEntry {
  /** The path as stored, without a leading "./" */
  name: string
  /** '0' a regular file, '5' a directory, '2' a symbolic link, … (ustar typeflag) */
  type: string
  mode: number
  data: Buffer
}

const BLOCK = 512

/** Feed it the uncompressed tar stream in chunks of any size; `onEntry` gets each entry. */
export class TarReader {
  /** Bytes received and not read yet, kept as chunks until `need` of them are there */
  private chunks: Buffer[] = []
  private have = 0
  private header: Buffer | undefined
  private ended = false
  private longName: string | undefined
  private paxPath: string | undefined

  constructor(
    private readonly onEntry: (e: TarEntry) => void,
    /** Whether an entry's data is wanted (others are skipped, not kept in memory) */
    private readonly wanted: (name: string, type: string) => boolean = () => true
  ) {}

  write(chunk: Buffer): void {
    if (this.ended) return
    this.chunks.push(chunk)
    this.have += chunk.length
    for (;;) {
      if (this.header === undefined) {
        if (this.have < BLOCK) return
        const header = this.take(BLOCK)
        if (header.every(b => b === 0)) {
          this.ended = true // the end-of-archive blocks
          return
        }
        checkHeader(header)
        this.header = header
      }
      const size = octal(this.header.subarray(124, 136), 'size')
      const padded = Math.ceil(size / BLOCK) * BLOCK
      if (this.have < padded) return
      const data = this.take(padded).subarray(0, size)
      const header = this.header
      this.header = undefined
      this.entry(header, data)
    }
  }

  /** Throws when the stream stopped inside an entry (a truncated archive). */
  end(): void {
    if (!this.ended && (this.have > 0 || this.header !== undefined))
      throw new Error('the tar stream ends inside an entry (truncated archive)')
  }

  /** The next n bytes (n <= have), joined into one buffer only now. */
  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.have)
    const rest = all.subarray(n)
    this.chunks = rest.length > 0 ? [rest] : []
    this.have = rest.length
    return all.subarray(0, n)
  }

  private entry(header: Buffer, data: Buffer): void {
    const type = String.fromCharCode(header[156] || 0x30)
    if (type === 'L') {
      this.longName = cString(data)
      return
    }
    if (type === 'x') {
      this.paxPath = paxRecords(data).path ?? this.paxPath
      return
    }
    if (type === 'g') return
    const prefix = header.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(header.subarray(345, 500)) : ''
    const stored = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/` : '') + cString(header.subarray(0, 100))
    this.paxPath = this.longName = undefined
    const name = stored.replace(/^(\.\/)+/, '')
    const kind = type === '\0' || type === '7' ? '0' : type
    if (!this.wanted(name, kind)) return
    this.onEntry({ name, type: kind, mode: octal(header.subarray(100, 108), 'mode'), data: Buffer.from(data) }) // a copy: data may be a view of a larger chunk
  }
}

/** The header's checksum: the sum of its bytes, the checksum field counted as spaces. */
function checkHeader(header: Buffer): void {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]
  if (octal(header.subarray(148, 156), 'checksum') !== sum) throw new Error('not a tar archive (a header checksum does not match)')
}

function octal(field: Buffer, what: string): number {
  if (field[0] & 0x80) throw new Error(`tar header ${what} in base-256, which release archives don't use`)
  const text = cString(field).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new Error(`not a tar archive (header ${what} "${text}" is not octal)`)
  return parseInt(text, 8)
}

function cString(b: Buffer): string {
  const end = b.indexOf(0)
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8')
}

/** pax extended header records: "<length> <key>=<value>\n" */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let i = 0
  while (i < data.length) {
    const space = data.indexOf(0x20, i)
    if (space === -1) break
    const len = parseInt(data.subarray(i, space).toString('latin1'), 10)
    if (!(len > 0)) break
    const record = data.subarray(space + 1, i + len - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    i += len
  }
  return out
}

/**
 * Reads a .tgz once: its SHA-256 (of the compressed file, as published) and the regular
 * files at its top level whose names `want` holds. The caller must compare the hash before
 * trusting any of the files.
 */
export async function readTgz(file: string, want: ReadonlySet<string>): Promise<{ sha256: string; files: Map<string, Buffer> }> {
  const hash = createHash('sha256')
  const files = new Map<string, Buffer>()
  const reader = new TarReader(
    e => files.set(e.name, e.data),
    (name, type) => type === '0' && want.has(name)
  )
  const gunzip = createGunzip()
  gunzip.on('data', (c: Buffer) => {
    try {
      reader.write(c)
    } catch (err) {
      gunzip.destroy(err as Error)
    }
  })
  const done = new Promise<void>((resolve, reject) => {
    gunzip.on('end', resolve)
    gunzip.on('error', reject)
  })
  done.catch(() => undefined) // awaited below; a corrupt stream must not go unhandled meanwhile
  try {
    for await (const chunk of fs.createReadStream(file)) {
      hash.update(chunk as Buffer)
      if (!gunzip.write(chunk)) await Promise.race([new Promise(r => gunzip.once('drain', r)), done])
    }
    gunzip.end()
    await done
    reader.end()
  } catch (err) {
    gunzip.destroy()
    throw new Error(`${file} is not a readable .tgz archive: ${(err as Error).message}`, { cause: err })
  }
  return { sha256: hash.digest('hex'), files }
}
