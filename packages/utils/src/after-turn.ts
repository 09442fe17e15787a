/**
 * Run `fn` once this turn of the event loop is over: after every microtask and the other I/O
 * callbacks of this poll phase (Node: setImmediate). See after-turn.browser.ts for browsers.
 */
export function afterTurn (fn: () => void): void {
  setImmediate(fn)
}
