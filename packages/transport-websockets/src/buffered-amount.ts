import { InvalidParametersError } from '@libp2p/interface'
import type { WebSocketsInit } from './index.js'

function isPositiveInteger (n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0
}

/**
 * Throws InvalidParametersError unless `maxBufferedAmount` (bytes) and `bufferedAmountPollInterval`
 * (ms) are absent or positive integers
 */
export function checkBufferedAmountOptions (init: Pick<WebSocketsInit, 'maxBufferedAmount' | 'bufferedAmountPollInterval'>): void {
  if (init.maxBufferedAmount != null && !isPositiveInteger(init.maxBufferedAmount)) {
    throw new InvalidParametersError(`maxBufferedAmount must be a positive integer (bytes), not ${String(init.maxBufferedAmount)}`)
  }
  if (init.bufferedAmountPollInterval != null && !isPositiveInteger(init.bufferedAmountPollInterval)) {
    throw new InvalidParametersError(`bufferedAmountPollInterval must be a positive integer (ms), not ${String(init.bufferedAmountPollInterval)}`)
  }
}
