// Our node in the protocol table's relay case (../node-programs/relay.mjs has the steps): the
// workspace packages, as built by `npm run build`.
import { runRelayCase } from '../node-programs/relay.mjs'
import { loadModules } from './load.mjs'

await runRelayCase('ours', await loadModules())
