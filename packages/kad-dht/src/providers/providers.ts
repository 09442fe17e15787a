import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Provider {
  id: Uint8Array<ArrayBuffer>
  received: bigint
  addrs: Uint8Array<ArrayBuffer>[]
  addrsReceived: bigint
}

export namespace Provider {
  let _codec: Codec<Provider>

  export const codec = (): Codec<Provider> => {
    if (_codec == null) {
      _codec = message<Provider>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.received != null && obj.received !== 0n)) {
          w.uint32(16)
          w.uint64(obj.received)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.addrsReceived != null && obj.addrsReceived !== 0n)) {
          w.uint32(32)
          w.uint64(obj.addrsReceived)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          received: 0n,
          addrs: [],
          addrsReceived: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.received = reader.uint64()
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 4: {
              obj.addrsReceived = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          addrs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.received`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.addrsReceived`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProviderIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProviderReceivedFieldEvent {
    field: '$.received'
    value: bigint
  }

  export interface ProviderAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProviderAddrsReceivedFieldEvent {
    field: '$.addrsReceived'
    value: bigint
  }

  export function encode (obj: Partial<Provider>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Provider.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Provider>): Provider {
    return decodeMessage(buf, Provider.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Provider>): Generator<ProviderIdFieldEvent | ProviderReceivedFieldEvent | ProviderAddrsFieldEvent | ProviderAddrsReceivedFieldEvent> {
    return streamMessage(buf, Provider.codec(), opts)
  }
}

export interface ProviderSet {
  providers: Provider[]
}

export namespace ProviderSet {
  let _codec: Codec<ProviderSet>

  export const codec = (): Codec<ProviderSet> => {
    if (_codec == null) {
      _codec = message<ProviderSet>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.providers != null && obj.providers.length > 0) {
          for (const value of obj.providers) {
            w.uint32(10)
            Provider.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          providers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.providers != null && obj.providers.length === opts.limits.providers) {
                throw new MaxLengthError('Decode error - repeated field "providers" had too many elements')
              }

              obj.providers.push(Provider.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.providers$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          providers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.providers != null && obj.providers === opts.limits.providers) {
                throw new MaxLengthError('Streaming decode error - repeated field "providers" had too many elements')
              }

              for (const evt of Provider.codec().stream(reader, reader.uint32(), `${prefix}.providers[]`, {
                limits: opts.limits?.providers$
              })) {
                yield {
                  ...evt,
                  index: obj.providers
                }
              }

              obj.providers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProviderSetProvidersIdFieldEvent {
    field: '$.providers[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ProviderSetProvidersReceivedFieldEvent {
    field: '$.providers[].received'
    value: bigint
    index: number
  }

  export interface ProviderSetProvidersAddrsFieldEvent {
    field: '$.providers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProviderSetProvidersAddrsReceivedFieldEvent {
    field: '$.providers[].addrsReceived'
    value: bigint
    index: number
  }

  export function encode (obj: Partial<ProviderSet>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProviderSet.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProviderSet>): ProviderSet {
    return decodeMessage(buf, ProviderSet.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProviderSet>): Generator<ProviderSetProvidersIdFieldEvent | ProviderSetProvidersReceivedFieldEvent | ProviderSetProvidersAddrsFieldEvent | ProviderSetProvidersAddrsReceivedFieldEvent> {
    return streamMessage(buf, ProviderSet.codec(), opts)
  }
}

export interface ProvidedKey {
  key: Uint8Array<ArrayBuffer>
  due: bigint
}

export namespace ProvidedKey {
  let _codec: Codec<ProvidedKey>

  export const codec = (): Codec<ProvidedKey> => {
    if (_codec == null) {
      _codec = message<ProvidedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.key)
        }

        if ((obj.due != null && obj.due !== 0n)) {
          w.uint32(16)
          w.uint64(obj.due)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: uint8ArrayAlloc(0),
          due: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.bytes()
              break
            }
            case 2: {
              obj.due = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.due`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ProvidedKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvidedKeyDueFieldEvent {
    field: '$.due'
    value: bigint
  }

  export function encode (obj: Partial<ProvidedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvidedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvidedKey>): ProvidedKey {
    return decodeMessage(buf, ProvidedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvidedKey>): Generator<ProvidedKeyKeyFieldEvent | ProvidedKeyDueFieldEvent> {
    return streamMessage(buf, ProvidedKey.codec(), opts)
  }
}
