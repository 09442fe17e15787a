/** Every operation that waits on the network takes a signal; a component adds its own timeout on top */
export interface AbortOptions {
  signal?: AbortSignal
}

/** Synchronous fast paths return the value directly; slow paths return a promise */
export type Await<T> = T | Promise<T>
