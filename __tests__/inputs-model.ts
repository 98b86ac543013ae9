import * as os from 'node:os'
import { getInputs } from '../src/drivers/read-inputs.js'
import { type Inputs } from '../src/inputs/model.js'
import { driverFor } from '../src/drivers/factory.js'
import { makePlan, type Plan } from '../src/plan/plan.js'
import type { NodeSpec } from '../src/inputs/model.js'

/**
 * The model inputs.ts makes when no input is set, with what a test changes: for the pure
 * rules that take an Inputs (a driver's input problems), without writing every field out.
 * Import it after any jest.unstable_mockModule of the file (it loads inputs.ts and its imports).
 */
export function inputsWith(patch: Partial<Inputs> = {}, first: Partial<NodeSpec> = {}): Inputs {
  const defaults = getInputs(() => '', { env: {}, home: os.tmpdir() })
  return { ...defaults, nodes: [{ ...defaults.nodes[0], ...first }], ...patch }
}

/** makePlan with the driver the inputs name, as main.ts plans (the driver plans its nodes). */
export function planFor(inputs: Inputs, ...rest: PlanArgs): Plan {
  return makePlan(driverFor(inputs.driver), inputs, ...rest)
}
type PlanArgs = Parameters<typeof makePlan> extends [unknown, unknown, ...infer R] ? R : never
