import { describe, expect, test } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'

// The documentation is split over several Markdown files (README.md for users, the details
// under docs/): every relative link in them must reach a file that exists, and every #anchor a
// heading of its target, as GitHub makes anchors from headings.
const root = path.join(import.meta.dirname, '..', '..')
const files = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  'CHANGELOG.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f}`)
]

/** The text outside fenced code blocks and inline code spans: links and headings there are not. */
function prose(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '')
    .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
}

/** GitHub's anchor for a heading: its text lower-cased, spaces to '-', punctuation other than '-' and '_' removed. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors of a Markdown file's headings; a repeated heading gets -1, -2, … as on GitHub. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  const withoutFences = markdown.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '')
  for (const m of withoutFences.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    const base = slug(m[1])
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** The link targets of a Markdown file: inline links [text](target) and definitions [label]: target. */
function links(markdown: string): string[] {
  const text = prose(markdown)
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map(m => m[1])
  const defined = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map(m => m[1])
  return [...inline, ...defined]
}

const external = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target)

/** Why a link from `from` (a path relative to the repository) does not resolve, or undefined when it does. */
function broken(from: string, target: string): string | undefined {
  const hash = target.indexOf('#')
  const file = hash === -1 ? target : target.slice(0, hash)
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
  const to = file === '' ? path.join(root, from) : path.join(root, path.dirname(from), decodeURIComponent(file))
  if (
    !path
      .relative(root, to)
      .split(path.sep)
      .every(p => p !== '..')
  )
    return `${target} leaves the repository`
  if (!fs.existsSync(to)) return `${path.relative(root, to)} does not exist`
  if (anchor === undefined) return undefined
  if (!to.endsWith('.md')) return `#${anchor}: ${path.relative(root, to)} is not Markdown, so it has no headings`
  if (!anchors(fs.readFileSync(to, 'utf8')).has(anchor)) return `#${anchor} is no heading of ${path.relative(root, to)}`
  return undefined
}

const rows = files.flatMap(f =>
  [...new Set(links(fs.readFileSync(path.join(root, f), 'utf8')))]
    .filter(target => !external(target))
    .map(target => [f, target] as [string, string])
)

describe('links in the documentation', () => {
  test('the files exist, and hold relative links', () => {
    for (const f of files) expect(fs.existsSync(path.join(root, f))).toBe(true)
    expect(rows.length).toBeGreaterThan(20)
  })

  test.each(rows)('%s: %s resolves', (from, target) => {
    expect(broken(from, target)).toBeUndefined()
  })
})

describe("GitHub's heading anchors", () => {
  test.each([
    ['Migrating from docker/setup-buildx-action', 'migrating-from-dockersetup-buildx-action'],
    ['Several nodes, one builder', 'several-nodes-one-builder'],
    [
      'A private registry with its own CA and a client certificate (mTLS), from secrets',
      'a-private-registry-with-its-own-ca-and-a-client-certificate-mtls-from-secrets'
    ],
    ['`x509: certificate signed by unknown authority` when pushing', 'x509-certificate-signed-by-unknown-authority-when-pushing'],
    ["A daemon that won't start", 'a-daemon-that-wont-start'],
    ['Figures on real BuildKit daemons, 2026-12-06', 'figures-on-real-buildkit-daemons-2026-12-06'],
    ['keep_state and [a link](x.md)', 'keep_state-and-a-link']
  ])('%s → #%s', (heading, anchor) => expect(slug(heading)).toBe(anchor))

  test('a repeated heading gets -1, headings in code blocks are none', () => {
    expect([...anchors('# A\n\n## B\n\n```sh\n# not a heading\n```\n\n## B\n')]).toEqual(['a', 'b', 'b-1'])
  })

  test('links in code are not links', () => {
    expect(links('[a](a.md) `[b](b.md)`\n\n```md\n[c](c.md)\n```\n[d]: d.md\n')).toEqual(['a.md', 'd.md'])
  })

  test.each([
    ['README.md', 'docs/none.md', 'docs/none.md does not exist'],
    ['README.md', '#no-such-heading', '#no-such-heading is no heading of README.md'],
    ['docs/cni.md', '../README.md#no-such-heading', '#no-such-heading is no heading of README.md'],
    ['docs/cni.md', '../../outside.md', '../../outside.md leaves the repository']
  ])('a broken link is found: %s → %s', (from, target, why) => expect(broken(from, target)).toBe(why))
})
