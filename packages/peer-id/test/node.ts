// aegir runs dist/test/node.js only under Node (and *.spec.js everywhere): the Node-only suites
import './inspect.node.js'
