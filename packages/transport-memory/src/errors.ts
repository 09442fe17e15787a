/** Another listener in this process already holds the memory address */
export class AddressInUseError extends Error {
  static name = 'AddressInUseError'
  name = 'AddressInUseError'
}
