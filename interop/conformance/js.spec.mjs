// The conformance suite (cases.mjs) on js-libp2p 3.3.11: run under Node 24
// (tools/node24/node_modules/.bin/node node_modules/mocha/bin/mocha.js interop/conformance/js.spec.mjs)
import { stack } from '../js-peer/conformance-stack.mjs'
import { conformanceSuite } from './cases.mjs'

conformanceSuite(stack)
