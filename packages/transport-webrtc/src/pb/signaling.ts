import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignalingMessage {
  type?: SignalingMessage.Type
  data?: string
}

export namespace SignalingMessage {
  export enum Type {
    SDP_OFFER = 'SDP_OFFER',
    SDP_ANSWER = 'SDP_ANSWER',
    ICE_CANDIDATE = 'ICE_CANDIDATE'
  }

  enum __TypeValues {
    SDP_OFFER = 0,
    SDP_ANSWER = 1,
    ICE_CANDIDATE = 2
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<SignalingMessage>

  export const codec = (): Codec<SignalingMessage> => {
    if (_codec == null) {
      _codec = message<SignalingMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null) {
          w.uint32(8)
          SignalingMessage.Type.codec().encode(obj.type, w)
        }

        if (obj.data != null) {
          w.uint32(18)
          w.string(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = SignalingMessage.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.data = reader.string()
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
                field: `${prefix}.type`,
                value: SignalingMessage.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
                value: reader.string()
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

  export interface SignalingMessageTypeFieldEvent {
    field: '$.type'
    value: SignalingMessage.Type
  }

  export interface SignalingMessageDataFieldEvent {
    field: '$.data'
    value: string
  }

  export function encode (obj: Partial<SignalingMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignalingMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignalingMessage>): SignalingMessage {
    return decodeMessage(buf, SignalingMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignalingMessage>): Generator<SignalingMessageTypeFieldEvent | SignalingMessageDataFieldEvent> {
    return streamMessage(buf, SignalingMessage.codec(), opts)
  }
}
