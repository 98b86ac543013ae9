import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { parse } from 'smol-toml'
import { joinShellWords } from '../../src/docker/buildx.js'
import { renderToml, type TomlTable } from '../../src/config/toml.js'
import { InputError } from '../../src/runner/errors.js'
import { getInputs } from '../../src/drivers/read-inputs.js'
import { splitShellWords } from '../../src/runner/lines.js'
import { configTree } from '../../src/plan/config-tree.js'
import { parseImageRef } from '../../src/docker/refs.js'

// Property-based tests of every text input against the pure parsing and rendering: random
// and adversarial strings (quotes, newlines, ']', '#', '=', unicode, IPv6, very long lines,
// NUL) are either refused with an error naming the input, or give a config whose parsed
// tree holds exactly the intended keys. Nothing is written and no shell or TOML can be
// injected: the rendered text is parsed back and compared.

const nasty = fc.constantFrom(
  '"',
  "'",
  '\n',
  '\r\n',
  ']',
  '[',
  '#',
  '=',
  ',',
  ' ',
  '\\',
  '\u0000',
  '\t',
  '$(x)',
  '`x`',
  'é',
  '漢',
  '[::1]',
  '::',
  '%0A',
  '\u202e',
  '.',
  ':',
  '/',
  'http://',
  'x'.repeat(300)
)
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 8 })), { maxLength: 12 }).map(a => a.join(''))
)
const hostish = fc.oneof(
  text,
  fc
    .tuple(fc.domain(), fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }))
    .map(([d, p]) => (p === undefined ? d : `${d}:${p}`)),
  fc.ipV4().map(ip => `${ip}:5000`)
)
const RUNS = { numRuns: 300 }

/** How many runs of the current property were accepted and refused: both must happen often. */
const seen = { accepted: 0, refused: 0 }
function expectBothSides(): void {
  expect(seen.accepted).toBeGreaterThan(RUNS.numRuns / 20)
  expect(seen.refused).toBeGreaterThan(RUNS.numRuns / 20)
  seen.accepted = seen.refused = 0
}

/** Runs getInputs with these inputs; the error must be an InputError naming `input`. */
function inputsOrError(input: string, inputs: Record<string, string>) {
  try {
    const model = getInputs(name => inputs[name] ?? '')
    seen.accepted++
    return model
  } catch (err) {
    seen.refused++
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).input).toBe(input)
    return undefined
  }
}

/** The config as rendered and parsed back. */
const roundTrip = (inputs: ReturnType<typeof getInputs>): TomlTable => parse(renderToml(configTree(inputs))) as TomlTable
const registries = (t: TomlTable): TomlTable => (t.registry ?? {}) as TomlTable

describe('properties of the inputs', () => {
  test.each(['http-registries', 'insecure-registries'])('%s: refused naming it, or exactly those hosts, each with its one key', input => {
    const key = input === 'http-registries' ? 'http' : 'insecure'
    fc.assert(
      fc.property(fc.array(hostish, { maxLength: 4 }), hosts => {
        const model = inputsOrError(input, { [input]: hosts.join('\n') })
        if (!model) return
        const listed = input === 'http-registries' ? model.httpRegistries : model.insecureRegistries
        const regs = registries(roundTrip(model))
        expect(Object.keys(regs).sort()).toEqual([...listed].sort())
        for (const h of listed) expect(regs[h]).toEqual({ [key]: true })
      }),
      RUNS
    )
    expectBothSides()
  })

  test('mirrors: refused naming it, or each registry with exactly its mirrors', () => {
    const line = fc.tuple(
      hostish,
      fc.array(
        fc.oneof(
          hostish,
          hostish.map(h => `http://${h}`),
          hostish.map(h => `https://${h}/p`)
        ),
        { minLength: 1, maxLength: 3 }
      )
    )
    fc.assert(
      fc.property(fc.array(line, { maxLength: 3 }), lines => {
        const model = inputsOrError('mirrors', { mirrors: lines.map(([r, ms]) => `${r}=${ms.join(',')}`).join('\n') })
        if (!model) return
        const regs = registries(roundTrip(model))
        for (const spec of model.mirrors) {
          expect((regs[spec.registry] as TomlTable).mirrors).toEqual(spec.mirrors.map(m => m.host + m.path))
          for (const m of spec.mirrors) if (m.scheme === 'http') expect((regs[m.host] as TomlTable).http).toBe(true)
        }
      }),
      RUNS
    )
    expectBothSides()
  })

  test('registry-certs: refused naming it, or accepted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostish, fc.array(fc.tuple(fc.constantFrom('ca', 'cert', 'key', 'x'), text), { maxLength: 3 })), {
          maxLength: 3
        }),
        lines => {
          const value = lines.map(([r, fields]) => [r, ...fields.map(([k, v]) => `${k}=${v}`)].join(' ')).join('\n')
          try {
            getInputs(name => (name === 'registry-certs' ? value : ''))
            seen.accepted++
          } catch (err) {
            seen.refused++
            // A ref that names a file or env var is read only later (loadRegistryCerts), so here
            // every error is the input's own.
            expect(err).toBeInstanceOf(InputError)
            expect((err as InputError).input).toBe('registry-certs')
          }
        }
      ),
      RUNS
    )
    expectBothSides()
  })

  test("buildkitd-flags: refused naming it, or words that survive buildx's shlex split of our joining", () => {
    fc.assert(
      fc.property(text, flags => {
        const model = inputsOrError('buildkitd-flags', { 'buildkitd-flags': flags })
        if (!model) return
        expect(splitShellWords(joinShellWords(model.nodes[0].buildkitdFlags))).toEqual(model.nodes[0].buildkitdFlags)
      }),
      RUNS
    )
    expectBothSides()
  })

  test('driver-opts: refused naming it, or one key=value per line', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), lines => {
        const model = inputsOrError('driver-opts', { 'driver-opts': lines.join('\n') })
        if (!model) return
        for (const o of model.nodes[0].driverOpts) expect(o).toMatch(/^[a-zA-Z][a-zA-Z0-9._-]*=[^\n]*$/)
      }),
      RUNS
    )
    expectBothSides()
  })

  test('name: refused naming it, or a name buildx takes, in lower case', () => {
    fc.assert(
      fc.property(text, name => {
        const model = inputsOrError('name', { name })
        if (!model) return
        expect(model.name).toMatch(/^[a-z][a-z0-9._-]*$/)
      }),
      RUNS
    )
    expectBothSides()
  })

  test('verify-pull: refused naming it, or references that parse again to themselves', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            text,
            fc.domain().map(d => `${d}/team/app:1`)
          ),
          { maxLength: 4 }
        ),
        refs => {
          const model = inputsOrError('verify-pull', { 'verify-pull': refs.join('\n') })
          if (!model) return
          for (const r of model.verifyPull) expect(parseImageRef(r.normalised)).toMatchObject({ normalised: r.normalised })
        }
      ),
      RUNS
    )
    expectBothSides()
  })

  test('a base config: refused naming it, or rendered to text that parses back to the same tree', () => {
    const scalar = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.boolean(), fc.integer(), fc.double({ noNaN: false }))
    const key = fc.oneof(
      fc.constantFrom('debug', 'root', 'registry', 'worker', 'oci', 'mirrors', 'http'),
      fc.string({ minLength: 1, maxLength: 8 }),
      nasty
    )
    const tree = fc.dictionary(
      key,
      fc.oneof(scalar, fc.dictionary(key, fc.oneof(scalar, fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 })), { maxKeys: 3 })),
      { maxKeys: 4 }
    )
    fc.assert(
      fc.property(tree, t => {
        let inline: string
        try {
          inline = renderToml(t as TomlTable)
        } catch {
          return // not representable as TOML at all (smol-toml refuses it): not a config anyone can give
        }
        const model = inputsOrError('buildkitd-config-inline', { 'buildkitd-config-inline': inline })
        if (!model) return
        expect(parse(renderToml(configTree(model)))).toEqual(parse(inline))
      }),
      RUNS
    )
    expectBothSides()
  })
})
