import type { Inputs } from '../inputs.js'
import { dockerContainer } from './docker-container.js'
import type { Driver } from './driver.js'
import { engine } from './engine.js'
import { kubernetes } from './kubernetes.js'
import { remote } from './remote.js'

/** The implementation of a buildx driver (inputs.ts refuses the ones there is none for yet). */
export function driverFor(name: Inputs['driver']): Driver {
  switch (name) {
    case 'docker-container':
      return dockerContainer
    case 'docker':
      return engine
    case 'kubernetes':
      return kubernetes
    case 'remote':
      return remote
  }
}
