/** another process (usually a second `libp2p node`) has the data directory's datastore open */
export class DatastoreLockedError extends Error {
  static name = 'DatastoreLockedError'
  name = 'DatastoreLockedError'
}

/** LevelDB reports the data directory's datastore as corrupt */
export class DatastoreCorruptError extends Error {
  static name = 'DatastoreCorruptError'
  name = 'DatastoreCorruptError'
}

/** the datastore could not be opened for another reason (permissions, a full disk, ...): `cause` holds it */
export class DatastoreOpenError extends Error {
  static name = 'DatastoreOpenError'
  name = 'DatastoreOpenError'
}

/**
 * The command line was wrong (an unknown command or flag, a bad value from a flag, the config file
 * or the environment): bin.ts prints the message and exits with USAGE_EXIT_CODE before starting anything
 */
export class UsageError extends Error {
  static name = 'UsageError'
  name = 'UsageError'
}

/** `--tls-cert` or `--tls-key` names a file that cannot be read or parsed, or a key that is not the certificate's */
export class TlsFileError extends Error {
  static name = 'TlsFileError'
  name = 'TlsFileError'
}
