import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals'
import * as tc from '@actions/tool-cache'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as http from 'node:http'
import * as net from 'node:net'
import type { AddressInfo } from 'node:net'
import { fetchText, findCached } from '../../../src/install/downloads.js'

// findCached looks in the tool cache without loading @actions/tool-cache: it must find what
// the package's own cacheDir writes, and nothing the package's find would not find.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'downloads-test-'))
const root = path.join(work, 'toolcache')
const saved = { ...process.env }
const source = path.join(work, 'source')

beforeAll(() => {
  fs.mkdirSync(root)
  fs.mkdirSync(source)
  fs.writeFileSync(path.join(source, 'tool'), 'a tool')
  Object.assign(process.env, { RUNNER_TOOL_CACHE: root, RUNNER_TEMP: path.join(work, 'temp') })
  // The package reports its lookups as ::debug:: lines on stdout.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterAll(() => {
  jest.restoreAllMocks()
  process.env = saved
  fs.rmSync(work, { recursive: true, force: true })
})

describe('findCached next to @actions/tool-cache', () => {
  test.each(['v1.9.1', '1.9.1', 'v0.30.0-rc1', 'v0.30.0-rc.1', 'v2.0.0-alpha.beta-1', 'v10.20.30'])(
    '%s: cached by the package, found where the package finds it',
    async version => {
      expect(tc.isExplicitVersion(version)).toBe(true)
      const dir = await tc.cacheDir(source, 'some-tool', version, 'amd64-abc')
      expect(findCached(root, 'some-tool', version, 'amd64-abc')).toBe(dir)
      expect(tc.find('some-tool', version, 'amd64-abc')).toBe(dir)
    }
  )

  test.each(['v1.9.2', 'v0.30.0-rc2'])('%s, never cached: not found by either', version => {
    expect(findCached(root, 'some-tool', version, 'amd64-abc')).toBe('')
    expect(tc.find('some-tool', version, 'amd64-abc')).toBe('')
  })

  test('an entry without the marker the package writes last (being written, or cut short) is not found by either', async () => {
    const dir = await tc.cacheDir(source, 'some-tool', 'v3.0.0', 'x64')
    fs.rmSync(`${dir}.complete`)
    expect(findCached(root, 'some-tool', 'v3.0.0', 'x64')).toBe('')
    expect(tc.find('some-tool', 'v3.0.0', 'x64')).toBe('')
  })

  test('another arch of the same version is not found', async () => {
    await tc.cacheDir(source, 'some-tool', 'v4.0.0', 'x64')
    expect(findCached(root, 'some-tool', 'v4.0.0', 'arm64')).toBe('')
    expect(tc.find('some-tool', 'v4.0.0', 'arm64')).toBe('')
  })

  test.each(['1.x', 'v1.2', '>=1.0.0', 'v1.2.3-01', 'v01.2.3', 'latest'])(
    '%s, which the package reads as a range or not at all: undefined (the caller asks the package)',
    version => {
      expect(tc.isExplicitVersion(version)).toBe(false)
      expect(findCached(root, 'some-tool', version, 'x64')).toBeUndefined()
    }
  )
})

describe('fetchText (checksums, with node:http(s) itself)', () => {
  const routes: Record<string, (res: http.ServerResponse) => void> = {
    '/sums': res => res.writeHead(200).end('abc  file\n'),
    '/moved': res => res.writeHead(302, { location: '/sums' }).end(),
    '/loop': res => res.writeHead(302, { location: '/loop' }).end(),
    '/huge': res => res.writeHead(200).end(Buffer.alloc((1 << 20) + 1, 'a')),
    '/to-https': res => res.writeHead(301, { location: 'https://127.0.0.1:1/sums' }).end()
  }
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    // As a proxy is asked (absolute form) or as the server itself.
    ;(routes[new URL(req.url ?? '', 'http://x').pathname] ?? (r => r.writeHead(404).end()))(res)
  })
  let base = ''
  // As a proxy: CONNECT (how the tool-cache client tunnels through one) to this server itself.
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`)
    const upstream = net.connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
  })
  beforeAll(async () => {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => new Promise(resolve => server.close(resolve)))
  const hint = (status?: number) => `hint ${status ?? 'none'}`

  test.each<[string, string | RegExp]>([
    ['/sums', 'abc  file\n'],
    ['/moved', 'abc  file\n']
  ])('%s gives the file', async (p, text) => expect(await fetchText(`${base}${p}`, 'the sums', hint)).toBe(text))

  test.each<[string, RegExp]>([
    ['/nope', /^could not download the sums \(HTTP 404\)\. hint 404$/],
    ['/loop', /^could not download the sums: too many redirects\. hint none$/],
    ['/huge', /^could not download the sums: the file is over 1 MiB/],
    // http → https is an upgrade, followed (and here fails to connect)
    ['/to-https', /^could not download the sums: connect ECONNREFUSED/]
  ])('%s is an error saying what failed', async (p, message) => {
    await expect(fetchText(`${base}${p}`, 'the sums', hint)).rejects.toThrow(message)
  })

  test('behind a proxy (http_proxy), the request goes through it, through the tool-cache client (node:https ignores proxies)', async () => {
    process.env.http_proxy = base
    try {
      seen.length = 0
      expect(await fetchText('http://release.example.invalid/sums', 'the sums', hint)).toBe('abc  file\n')
      expect(seen).toEqual(['CONNECT release.example.invalid:80', '/sums'])
    } finally {
      delete process.env.http_proxy
    }
  })
})
