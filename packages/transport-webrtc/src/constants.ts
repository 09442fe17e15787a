/** the signaling protocol of private-to-private WebRTC (specs/libp2p/webrtc/webrtc.md) */
export const SIGNALING_PROTOCOL = '/webrtc-signaling/0.0.1'

/** the muxer "protocol" a WebRTC connection reports: data channels are its streams */
export const WEBRTC_MUXER_PROTOCOL = '/webrtc'

/** the label of the channel the dialer opens so that its offer carries ICE and SCTP (webrtc.md, step 4) */
export const INIT_CHANNEL_LABEL = 'init'

/** one framed message including its varint length prefix must not exceed this (README.md, all major browsers) */
export const MAX_MESSAGE_SIZE_BYTES = 16 * 1024

/** the smallest maxMessageSize we accept: room for the framing and some payload */
export const MIN_MESSAGE_SIZE_BYTES = 64

/**
 * What framing adds around a payload at most: varint length prefix (3) + flag field (2) + the
 * message field's tag (1) and length (3). Payloads are cut at maxMessageSize minus this.
 */
export const FRAMING_OVERHEAD_BYTES = 9

/** stop handing data to a channel while its bufferedAmount is above this, bytes */
export const MAX_BUFFERED_AMOUNT_BYTES = 2 * 1024 * 1024

/** a channel's bufferedamountlow fires below this; sending resumes then, bytes */
export const BUFFERED_AMOUNT_LOW_THRESHOLD_BYTES = 256 * 1024

/** a blocked channel whose bufferedAmount does not fall within this aborts its stream, ms */
export const BUFFERED_AMOUNT_LOW_TIMEOUT_MS = 30_000

/** a data channel that does not open within this aborts its stream, ms */
export const DATA_CHANNEL_OPEN_TIMEOUT_MS = 5_000

/** after our FIN, wait this long for the FIN_ACK before treating the write side as closed anyway, ms */
export const FIN_ACK_TIMEOUT_MS = 5_000

/**
 * Data channels have no flow control we can drive from JS: the remote may send more than the
 * application reads. A stream whose unread data passes this is aborted (LimitExceededError), bytes.
 */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024

/** the whole signaling exchange, from opening the relayed stream to a connected RTCPeerConnection, ms */
export const SIGNALING_TIMEOUT_MS = 30_000

/** a closing WebRTC-Direct listener closes its connections gracefully within this, then aborts them, ms */
export const LISTENER_CLOSE_TIMEOUT_MS = 5_000

/** one signaling message (an SDP is a few KiB), bytes */
export const MAX_SIGNALING_MESSAGE_BYTES = 16 * 1024

/**
 * The listener holds the dialer's candidates until its ICE connects from the dialer's checks, or
 * this long (signaling.ts, RemoteCandidates), ms
 */
export const LISTENER_CANDIDATE_HOLD_MS = 1_000

/** ICE candidates one signaling exchange may carry; more is a protocol error */
export const MAX_ICE_CANDIDATES = 128

/** data channels the remote opens before the muxer exists (while signaling ends); more are closed */
export const MAX_EARLY_CHANNELS = 32

/** signaling exchanges one dial tries when the peer connection fails before it connects */
export const SIGNALING_ATTEMPTS = 2

/** inbound signaling streams handled at once per relayed connection (a retry may overlap the attempt it replaces) */
export const MAX_INBOUND_SIGNALING_STREAMS = 2

/** where webRTCDirect() keeps its listener certificate in the node's datastore (js-libp2p's key) */
export const DEFAULT_CERTIFICATE_DATASTORE_KEY = '/libp2p/webrtc-direct/certificate'

/** a generated listener certificate is replaced this long before it expires (js-libp2p's default: one day), ms */
export const DEFAULT_CERTIFICATE_RENEWAL_THRESHOLD_MS = 86_400_000
