/**
 * Label values one metric group keeps apart; further values are added up under
 * OTHER_LABEL_VALUE. Keys come from code (protocol names, error names, directions), but some of
 * them reach us from the network (an outbound stream's protocol is the application's, an inbound
 * one's is a handler's, an error name is whatever a dependency threw), so a scrape's size and the
 * registry's memory stay bounded whatever a peer or a buggy caller does.
 */
export const DEFAULT_MAX_LABEL_VALUES = 256

/** the label value that collects every value past the bound */
export const OTHER_LABEL_VALUE = 'other'

/** the file system whose usage `nodejs_fs_usage_bytes` reports when `statfsLocation` is not set */
export const DEFAULT_STATFS_LOCATION = '.'
