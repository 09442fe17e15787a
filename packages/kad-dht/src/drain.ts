/** runs an async iterable to its end, dropping its values */
export async function drain (source: AsyncIterable<unknown>): Promise<void> {
  const iterator = source[Symbol.asyncIterator]()
  while ((await iterator.next()).done !== true) { /* next value */ }
}
