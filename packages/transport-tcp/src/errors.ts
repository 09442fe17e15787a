/** listen() could not bind its address (in use, not permitted, not local...); `cause` holds the system error */
export class ListenError extends Error {
  static name = 'ListenError'
  name = 'ListenError'
}
