import * as os from 'node:os'
import type { DriverCatalog } from '../inputs/driver-rules.js'
import { readInputs } from '../inputs/inputs.js'
import type { Getter, Host, Inputs } from '../inputs/model.js'
import { getInput } from '../runner/commands.js'
import { catalog } from './factory.js'

// The action's inputs with the shipped drivers' rules: inputs/ reads them, the driver that
// `driver` names says what it can't take.

/** Reads the action's inputs (as the runner passes them unless a getter is given). */
export function getInputs(
  get: Getter = name => getInput(name),
  host: Host = { env: process.env, home: os.homedir() },
  drivers: DriverCatalog = catalog
): Inputs {
  return readInputs(get, host, drivers)
}
