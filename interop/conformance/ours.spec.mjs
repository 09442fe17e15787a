// The conformance suite (cases.mjs) on our packages (their dist, through the root node_modules'
// workspace links; `npm run build` first): run under Node 20 and Node 24
import { stack } from './stack-ours.mjs'
import { conformanceSuite } from './cases.mjs'

conformanceSuite(stack)
