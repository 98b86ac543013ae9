import * as path from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { checkConfigTree, type TomlTable } from '../config/toml.js'
import { InputError } from '../runner/errors.js'
import { readInputFile } from '../runner/input-files.js'
import { type BaseConfig } from './model.js'

// The base config (buildkitd-config, buildkitd-config-inline, buildx's default file): read, parsed
// as TOML and its keys' shapes checked, errors naming the input and line.

export function readBaseConfigFile(file: string, input = 'buildkitd-config'): BaseConfig {
  const text = readInputFile(input, undefined, file)
  return { ...parseBaseConfig(input, text), path: path.resolve(file) }
}

export function parseBaseConfig(input: string, text: string): BaseConfig {
  let tree: TomlTable
  try {
    // Integers beyond 2^53 as bigint, as TOML (and BuildKit's int64) allow.
    tree = parseToml(text, { integersAsBigInt: 'asNeeded' }) as TomlTable
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '')
      throw new InputError(input, err.line, `invalid TOML at column ${err.column}: ${first}`)
    }
    throw err
  }
  checkConfigTree(tree, input)
  return { input, tree }
}
