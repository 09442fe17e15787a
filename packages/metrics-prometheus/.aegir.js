export { default } from '../../.aegir.js'
