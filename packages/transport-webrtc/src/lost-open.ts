// Node only (rtc.ts and direct/transport.ts use it; the browser builds do not).
import type { PeerConnection } from 'node-datachannel'

type NativePeerConnection = InstanceType<typeof PeerConnection>

export interface NativeChannel {
  onOpen(callback: () => void): void
  isOpen(): boolean
}

/**
 * node-datachannel 0.33.4's polyfill RTCDataChannel asks the native channel isOpen() first and
 * registers its open callback after, and libdatachannel does not repeat an open that happened
 * while no callback was set. A channel we create opens when the remote's DCEP ACK arrives on
 * libdatachannel's thread; on loopback with a busy JS thread that can fall between the two calls,
 * and the channel then says 'connecting' until our open timeout (seen as "data channel did not
 * open within 30000 ms" in about 1 of 10 runs of the package's tests under load).
 *
 * The native methods cannot be replaced (they are read-only), so the polyfill is handed a native
 * connection whose channels, those it creates (createDataChannel) and those the remote opens
 * (onDataChannel: the polyfill may wrap one before libdatachannel has answered its DCEP OPEN),
 * have an onOpen() that registers first and then asks isOpen() (registerOpen).
 */
export function withOpenFix (native: NativePeerConnection): NativePeerConnection {
  return delegate(native, {
    createDataChannel: (...args: Parameters<NativePeerConnection['createDataChannel']>) => fixOpen(native.createDataChannel(...args)),
    onDataChannel: (callback: Parameters<NativePeerConnection['onDataChannel']>[0]) => {
      native.onDataChannel((channel) => { callback(fixOpen(channel)) })
    }
  })
}

/** the native channel with an onOpen() that cannot miss an open that already happened */
function fixOpen<C extends object> (channel: C): C {
  const native = channel as unknown as NativeChannel
  return delegate(channel, {
    onOpen: (callback: () => void) => { registerOpen(native, native.onOpen, callback) }
  })
}

/**
 * Registers `callback` through the native `register` (onOpen), then delivers the open itself, in
 * a microtask as an event would be, if the channel is open already; `callback` runs at most once.
 */
export function registerOpen (channel: NativeChannel, register: NativeChannel['onOpen'], callback: () => void): void {
  let fired = false
  const once = (): void => {
    if (fired) { return }
    fired = true
    callback()
  }
  register.call(channel, once)
  if (channel.isOpen()) { queueMicrotask(once) }
}

/**
 * `target` with some methods replaced; every other method is called on the native object itself
 * (native methods refuse any other `this`), bound once per name.
 */
function delegate<T extends object> (target: T, overrides: Record<string, (...args: any[]) => unknown>): T {
  const bound = new Map<PropertyKey, unknown>(Object.entries(overrides))
  return new Proxy(target, {
    get (t, name) {
      let value = bound.get(name)
      if (value !== undefined) { return value }
      value = Reflect.get(t, name, t)
      if (typeof value !== 'function') { return value }
      value = value.bind(t)
      bound.set(name, value)
      return value
    }
  })
}
