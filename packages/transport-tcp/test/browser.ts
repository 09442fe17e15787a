// aegir runs test/browser.js in the browser only
import './index.browser.js'
