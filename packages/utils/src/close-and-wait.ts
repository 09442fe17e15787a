import { AbortError } from '@libp2p/interface'
import { followAbort } from './deadline.js'
import type { AbortOptions, MessageStream } from '@libp2p/interface'

function isFinal (stream: MessageStream): boolean {
  return stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset'
}

/**
 * Ours (js-libp2p has no such call): close() (flush, then EOF), then drop whatever the remote still
 * sends (closeRead) and wait for its EOF, so the stream is over when this resolves. For a side that
 * answers and is done with a stream (a server refusing a request): a remote that never closes
 * would otherwise keep the half-closed stream open. Give it a signal: when it aborts, the stream is
 * aborted with its reason, which is thrown.
 */
export async function closeAndWait (stream: MessageStream, options: AbortOptions = {}): Promise<void> {
  try {
    await stream.close(options)
    if (isFinal(stream)) { return }
    await stream.closeRead(options)
  } catch (err: any) {
    // a stream's close() leaves the stream alone when the caller gives up; this call does not
    stream.abort(err)
    throw err
  }
  if (isFinal(stream)) { return }
  const signal = options.signal
  await new Promise<void>((resolve, reject) => {
    let unfollow = (): void => {}
    const onClose = (): void => {
      unfollow()
      resolve()
    }
    const onAbort = (): void => {
      stream.removeEventListener('close', onClose)
      const reason = signal?.reason instanceof Error ? signal.reason : new AbortError('closeAndWait aborted')
      stream.abort(reason)
      reject(reason)
    }
    if (signal?.aborted === true) { onAbort(); return }
    stream.addEventListener('close', onClose, { once: true })
    if (signal != null) { unfollow = followAbort(signal, onAbort) }
  })
}
