import * as os from 'node:os'
import { getInputs, type Inputs } from '../src/inputs.js'
import type { NodeSpec } from '../src/nodes.js'

/**
 * The model inputs.ts makes when no input is set, with what a test changes: for the pure
 * rules that take an Inputs (a driver's input problems), without writing every field out.
 * Import it after any jest.unstable_mockModule of the file (it loads inputs.ts and its imports).
 */
export function inputsWith(patch: Partial<Inputs> = {}, first: Partial<NodeSpec> = {}): Inputs {
  const defaults = getInputs(() => '', { env: {}, home: os.tmpdir() })
  return { ...defaults, nodes: [{ ...defaults.nodes[0], ...first }], ...patch }
}
