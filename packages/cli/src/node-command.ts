import { STOP_DEADLINE_MS } from './constants.js'
import { dataDirPaths, openDatastore } from './data-dir.js'
import { loadOrCreateKey } from './key-file.js'
import { startPublicNode } from './public-node.js'
import { untilSignal, withinDeadline } from './signals.js'
import type { NodeLimits } from './public-node.js'

export interface NodeCommandOptions {
  dataDir?: string
  /** the identity key file; default: identity.key in the data directory */
  key?: string
  listen?: string[]
  announce?: string[]
  limits?: Partial<NodeLimits>
  dhtLan?: boolean
  out(line: string): void
  err(line: string): void
}

/**
 * `libp2p node`: opens the data directory (the datastore first, so a second instance fails on
 * its lock before touching anything), runs the public node until SIGINT/SIGTERM, then stops it
 * within STOP_DEADLINE_MS and closes the datastore so LevelDB has flushed. Resolves with the exit code.
 */
export async function runNodeCommand (options: NodeCommandOptions): Promise<number> {
  const paths = dataDirPaths(options.dataDir)
  const datastore = await openDatastore(paths)
  let node
  try {
    const keyFile = options.key ?? paths.keyFile
    const key = await loadOrCreateKey(keyFile)
    if (key.created) { options.out(`created identity ${keyFile}`) }
    if (key.exposed) { options.err(`warning: ${keyFile} can be read by other users (chmod 600 it)`) }
    node = await startPublicNode({
      privateKey: key.privateKey,
      datastore,
      listen: options.listen,
      announce: options.announce,
      limits: options.limits,
      dhtLan: options.dhtLan
    })
  } catch (err) {
    await datastore.close()
    throw err
  }
  const stopped = untilSignal(signal => { options.err(`${signal} again: exiting without finishing the stop`) })
  options.out(`data directory ${paths.dir}`)
  options.out(`peer id ${node.peerId.toString()}`)
  for (const ma of node.getMultiaddrs()) { options.out(`listening on ${ma.toString()}`) }
  const signal = await stopped
  options.out(`${signal}: stopping (a second signal exits at once)`)
  const started = node
  try {
    await withinDeadline(STOP_DEADLINE_MS, 'stopping the node', async () => {
      await started.stop()
      await datastore.close()
    })
  } catch (err: any) {
    options.err(`${err.name}: ${err.message}`)
    // whatever did not stop still holds the event loop open
    process.exit(1)
  }
  options.out('stopped')
  return 0
}
