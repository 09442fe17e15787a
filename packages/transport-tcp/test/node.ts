// aegir runs test/node.js in Node only: the TCP suites need node:net
import './transport.node.js'
import './connection.node.js'
import './dial.node.js'
import './listener.node.js'
import './close-server.node.js'
import './multiaddr.node.js'
import './compliance.node.js'
