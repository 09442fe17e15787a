import streamMuxerSuite from '@libp2p/interface-compliance-tests/stream-muxer'
import { DEFAULT_MAX_STREAM_WINDOW_BYTES } from '../src/constants.js'
import { yamux } from '../src/index.js'

describe('yamux compliance', () => {
  streamMuxerSuite({
    async setup () { return yamux()() },
    maxUnreadBytesPerStream: DEFAULT_MAX_STREAM_WINDOW_BYTES
  })
})
