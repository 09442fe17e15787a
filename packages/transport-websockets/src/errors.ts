/** listen() could not bind or attach its address (in use, not permitted, a shared server on another port...); `cause` holds the reason */
export class ListenError extends Error {
  static name = 'ListenError'
  name = 'ListenError'
}
