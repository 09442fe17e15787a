import type { Await } from './abort-options.js'

/** One lifecycle for every component and service; the node calls each hook on all components before the next */
export interface Startable {
  beforeStart?(): Await<void>
  start(): Await<void>
  afterStart?(): Await<void>
  beforeStop?(): Await<void>
  stop(): Await<void>
  afterStop?(): Await<void>
}

export function isStartable (obj: unknown): obj is Startable {
  return obj != null && typeof (obj as Startable).start === 'function' && typeof (obj as Startable).stop === 'function'
}

/** start the given objects (those that are Startable) in lifecycle order */
export async function start (...objs: unknown[]): Promise<void> {
  const startables = objs.filter(isStartable)
  await Promise.all(startables.map(async s => s.beforeStart?.()))
  await Promise.all(startables.map(async s => s.start()))
  await Promise.all(startables.map(async s => s.afterStart?.()))
}

/** stop the given objects (those that are Startable) in lifecycle order */
export async function stop (...objs: unknown[]): Promise<void> {
  const startables = objs.filter(isStartable)
  await Promise.all(startables.map(async s => s.beforeStop?.()))
  await Promise.all(startables.map(async s => s.stop()))
  await Promise.all(startables.map(async s => s.afterStop?.()))
}
