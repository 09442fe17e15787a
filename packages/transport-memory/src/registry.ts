import { AddressInUseError } from './errors.js'
import type { MemoryListener } from './listener.js'

/**
 * The process-wide table of listening memory addresses (one JS realm: a Node process, a page or
 * a worker). Keys are the `<id>` of `/memory/<id>`.
 */
const listeners = new Map<string, MemoryListener>()

export function findListener (key: string): MemoryListener | undefined {
  return listeners.get(key)
}

export function addListener (key: string, listener: MemoryListener): void {
  if (listeners.has(key)) {
    throw new AddressInUseError(`/memory/${key} is already in use by another listener`)
  }
  listeners.set(key, listener)
}

export function removeListener (key: string, listener: MemoryListener): void {
  if (listeners.get(key) === listener) {
    listeners.delete(key)
  }
}
