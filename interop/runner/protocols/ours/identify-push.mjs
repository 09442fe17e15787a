// Our node in the protocol table's identify-push case (../node-programs/identify-push.mjs has the
// steps): the workspace packages, as built by `npm run build`.
import { runIdentifyPushCase } from '../node-programs/identify-push.mjs'
import { loadModules } from './load.mjs'

await runIdentifyPushCase('ours', await loadModules())
