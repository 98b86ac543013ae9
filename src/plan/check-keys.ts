import { httpMirrorsWithoutHttp, unknownOrMistyped } from '../config/schema.js'
import type { Inputs } from '../inputs/model.js'
import { InputError } from '../runner/errors.js'
import * as log from '../runner/log.js'
import { configTree } from './config-tree.js'

// Checks the config the plan will render before anything exists: keys and values BuildKit would
// ignore or refuse.

/**
 * Keys BuildKit would ignore without a word (it decodes its config leniently), values it
 * can't decode, and http:// mirrors it would speak HTTPS to, in the config the plan will
 * render: errors before anything is created, or warnings with verify: warn. Only a base
 * config can hold them.
 */
export function checkKeys(inputs: Inputs): void {
  const tree = configTree(inputs)
  const problems = [...unknownOrMistyped(tree), ...httpMirrorsWithoutHttp(tree)]
  if (problems.length === 0) return
  const input = inputs.baseConfig?.input ?? 'buildkitd-config'
  const text = problems.map(p => `${p.key}: ${p.message}`)
  if (inputs.verify === 'warn') {
    for (const t of text) log.warning(`input "${input}": ${t}`)
    return
  }
  throw new InputError(input, undefined, text.length === 1 ? text[0] : `\n- ${text.join('\n- ')}`)
}
