import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { DATASTORE_DIR_NAME, DEFAULT_DATA_DIR, KEY_FILE_NAME } from './constants.js'
import { DatastoreCorruptError, DatastoreLockedError, DatastoreOpenError } from './errors.js'

export interface DataDirPaths {
  /** the data directory, absolute */
  dir: string
  /** the LevelDB datastore: peer store, DHT records, providers and routing table */
  datastore: string
  /** the identity key (libp2p protobuf PrivateKey, mode 0600) */
  keyFile: string
}

/** where `libp2p node` keeps its state: `dir`, or DEFAULT_DATA_DIR under the working directory */
export function dataDirPaths (dir: string = DEFAULT_DATA_DIR): DataDirPaths {
  const abs = resolve(dir)
  return { dir: abs, datastore: join(abs, DATASTORE_DIR_NAME), keyFile: join(abs, KEY_FILE_NAME) }
}

/**
 * Opens (creating when missing) the LevelDB datastore under the data directory. LevelDB takes an
 * exclusive lock on it, so a second node on the same directory fails here, before it has touched
 * the key or any record. datastore-level folds every open failure into one message without the
 * cause, so the database is opened through its `db` first: LevelDB's error code says which case
 * this is, and the error names the directory instead of ever starting afresh.
 */
export async function openDatastore (paths: DataDirPaths): Promise<LevelDatastore> {
  // the state includes the identity key: only its owner may list or read it
  try {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 })
  } catch (err: any) {
    // Node's own message (ENOTDIR, EACCES, EROFS, ...) names the path but not what it is for
    throw new DatastoreOpenError(`cannot create the data directory ${paths.dir}: ${err.message}`, { cause: err })
  }
  const datastore = new LevelDatastore(paths.datastore)
  try {
    await datastore.db.open({ createIfMissing: true, compression: false })
  } catch (err: any) {
    const cause = err?.cause ?? err
    const reason = String(cause?.message ?? cause)
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new DatastoreLockedError(`the datastore in ${paths.datastore} is in use by another process (is another libp2p node running on ${paths.dir}?): ${reason}`, { cause })
    }
    if (cause?.code === 'LEVEL_CORRUPTION') {
      throw new DatastoreCorruptError(`the datastore in ${paths.datastore} is corrupt (restore it from a backup, or move it away to start with empty state): ${reason}`, { cause })
    }
    throw new DatastoreOpenError(`cannot open the datastore in ${paths.datastore}: ${reason}`, { cause })
  }
  // already open: this only sets the wrapper's state
  await datastore.open()
  return datastore
}
