// aegir runs test/**/*.spec.* everywhere and test/node.* only in Node: Node-only suites are imported here
import './crypto.node.js'
