import type { DriverCatalog } from '../inputs/driver-rules.js'
import { dockerContainer } from './docker-container/driver.js'
import { engine } from './docker/driver.js'
import type { Driver } from './driver.js'
import { kubernetes } from './kubernetes/driver.js'
import { remote } from './remote/driver.js'

// The drivers this action has, one line each, in the order the `driver` input's message
// names them. A new driver is a folder of its own (CONTRIBUTING.md, "How to add a driver")
// and a line here.
const SHIPPED: readonly Driver[] = [dockerContainer, kubernetes, remote, engine]

/** A catalog of drivers by name: the shipped ones, or others (a test's). */
export function catalogOf(drivers: readonly Driver[]): DriverCatalog & { driver(name: string): Driver } {
  const byName = new Map(drivers.map(d => [d.name, d]))
  const driver = (name: string): Driver => {
    const d = byName.get(name)
    if (!d) throw new Error(`no driver named "${name}" (${[...byName.keys()].join(', ')})`)
    return d
  }
  return { names: drivers.map(d => d.name), rules: driver, driver }
}

/** The shipped drivers. */
export const catalog = catalogOf(SHIPPED)

/**
 * Whether the `driver` input, as given, names a driver that needs the Docker engine: asked
 * before the inputs are read, to start the engine's version probe at once. An unknown name
 * says yes (the input's error comes first anyway).
 */
export function usesEngine(driverInput: string): boolean {
  const name = driverInput.trim().toLowerCase() || 'docker-container'
  return catalog.names.includes(name) ? catalog.rules(name).usesEngine : true
}

/** The implementation of a shipped buildx driver (inputs refuse any other name). */
export function driverFor(name: string): Driver {
  return catalog.driver(name)
}
