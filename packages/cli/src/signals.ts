import { constants } from 'node:os'
import { TimeoutError } from '@libp2p/interface'

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * Resolves with the first SIGINT or SIGTERM. Call it before printing the addresses: whoever reads
 * them may signal at once, and a signal with no handler yet kills the process instead of stopping
 * the node. With `exitOnSecond`, a second signal while stopping exits at once with 128 + its number
 * (the shell's convention), for an operator who will not wait for the deadline.
 */
export async function untilSignal (exitOnSecond?: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise(resolve => {
    const first = (signal: NodeJS.Signals): void => {
      for (const s of STOP_SIGNALS) { process.off(s, first) }
      if (exitOnSecond != null) {
        const second = (again: NodeJS.Signals): void => {
          exitOnSecond(again)
          process.exit(128 + constants.signals[again])
        }
        for (const s of STOP_SIGNALS) { process.once(s, second) }
      }
      resolve(signal)
    }
    for (const s of STOP_SIGNALS) { process.on(s, first) }
  })
}

/**
 * Runs `reload` on each SIGHUP (the operator's "read your files again": a renewed certificate)
 * instead of Node's default for it, which ends the process. Reloads run one after another, so
 * two quick signals cannot interleave. Returns the function that removes the handler.
 */
export function onReloadSignal (reload: () => Promise<void>): () => void {
  let running: Promise<void> = Promise.resolve()
  const handler = (): void => { running = running.then(reload) }
  process.on('SIGHUP', handler)
  return () => { process.off('SIGHUP', handler) }
}

/** runs `stop`, rejecting with a TimeoutError if it has not finished within `ms` */
export async function withinDeadline (ms: number, what: string, stop: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new TimeoutError(`${what} did not finish within ${ms} ms`)) }, ms)
  })
  try {
    await Promise.race([stop(), deadline])
  } finally {
    clearTimeout(timer)
  }
}
