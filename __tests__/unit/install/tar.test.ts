import { afterAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { readTgz, TarReader, type TarEntry } from '../../../src/install/tar.js'

// The tar reader against archives GNU tar writes in each of its formats (release archives
// are made with tar czf), fed whole and a byte at a time; and what it must refuse.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

const LONG = `${'long-name-'.repeat(12)}plugin` // over 100 bytes: a GNU 'L' entry or a pax path
const content: Record<string, Buffer> = {
  bridge: Buffer.from('#!/bin/sh\necho bridge\n'),
  loopback: Buffer.alloc(70_000, 7), // spans many blocks and chunks
  empty: Buffer.alloc(0),
  exact: Buffer.alloc(512, 1), // a whole block: no padding
  [LONG]: Buffer.from('long')
}

/** A .tgz of the contents above (plus a directory, a file in it and a link), as `tar --format` writes it. */
const made = new Map<string, string>()
function archive(format: string): string {
  if (made.has(format)) return made.get(format) as string
  const dir = path.join(work, `src-${format}`)
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true })
  for (const [name, data] of Object.entries(content)) fs.writeFileSync(path.join(dir, name), data, { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'sub', 'bridge'), 'not the top-level one')
  fs.symlinkSync('bridge', path.join(dir, 'link'))
  const file = path.join(work, `${format}.tgz`)
  execFileSync('tar', [`--format=${format}`, '-czf', file, '-C', dir, '.'])
  made.set(format, file)
  return file
}

function entries(tar: Buffer, chunk: number): TarEntry[] {
  const got: TarEntry[] = []
  const reader = new TarReader(e => got.push(e))
  for (let i = 0; i < tar.length; i += chunk) reader.write(tar.subarray(i, i + chunk))
  reader.end()
  return got
}

describe('TarReader', () => {
  test.each(['gnu', 'posix', 'ustar', 'v7'])('reads what tar --format=%s writes, whole or a byte at a time', format => {
    if (format === 'ustar' || format === 'v7') delete content[LONG] // these formats can't hold the long name
    const tar = gunzipSync(fs.readFileSync(archive(format)))
    const whole = entries(tar, tar.length)
    expect(entries(tar, 1).map(e => [e.name, e.type, sha(e.data)])).toEqual(whole.map(e => [e.name, e.type, sha(e.data)]))
    const files = Object.fromEntries(whole.filter(e => e.type === '0').map(e => [e.name, e.data]))
    expect(files).toEqual({ ...content, 'sub/bridge': Buffer.from('not the top-level one') })
    expect(whole.find(e => e.name === 'bridge')?.mode).toBe(0o755)
    expect(whole.find(e => e.name === 'link')?.type).toBe('2')
    expect(whole.find(e => e.name === 'sub' || e.name === 'sub/')?.type).toBe('5')
    content[LONG] = Buffer.from('long')
  })

  test.each<[string, (tar: Buffer) => Buffer, RegExp]>([
    ['a truncated archive', tar => tar.subarray(0, 1024 + 100), /ends inside an entry/],
    ['a changed header', tar => Buffer.concat([Buffer.from('X'), tar.subarray(1)]), /header checksum does not match/],
    ['text that is no tar', () => Buffer.alloc(1024, 'a'), /not a tar archive/]
  ])('refuses %s', (_, spoil, message) => {
    const tar = gunzipSync(fs.readFileSync(archive('gnu')))
    expect(() => entries(spoil(tar), 4096)).toThrow(message)
  })
})

describe('readTgz', () => {
  test('hashes the file as published and reads out only the wanted top-level files, in one pass', async () => {
    const file = archive('gnu')
    const got = await readTgz(file, new Set(['bridge', 'loopback', 'link', 'nope']))
    expect(got.sha256).toBe(sha(fs.readFileSync(file)))
    // The symbolic link is no plugin; sub/bridge is not the top-level bridge.
    expect(Object.fromEntries(got.files)).toEqual({ bridge: content.bridge, loopback: content.loopback })
  })

  test.each<[string, () => Buffer, RegExp]>([
    ['not gzip', () => Buffer.from('plain text'), /is not a readable \.tgz archive: .*incorrect header check/],
    [
      'a cut-off gzip stream',
      () => fs.readFileSync(archive('gnu')).subarray(0, -10), // the trailer (CRC and size) cut
      /is not a readable \.tgz archive: unexpected end of file/
    ],
    ['gzip of no tar', () => gzipSync(Buffer.alloc(2048, 'x')), /is not a readable \.tgz archive: not a tar archive/]
  ])('refuses %s, naming the file', async (name, bytes, message) => {
    const file = path.join(work, `${name.replace(/\W+/g, '-')}.tgz`)
    fs.writeFileSync(file, bytes())
    await expect(readTgz(file, new Set(['bridge']))).rejects.toThrow(message)
  })
})
