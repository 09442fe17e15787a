/** Nothing listens at the dialled memory address, or the listener refused the connection */
export class ConnectionFailedError extends Error {
  static name = 'ConnectionFailedError'
  name = 'ConnectionFailedError'
}

/** Another listener in this process already holds the memory address */
export class AddressInUseError extends Error {
  static name = 'AddressInUseError'
  name = 'AddressInUseError'
}
