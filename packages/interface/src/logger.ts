/**
 * A debug-compatible logger. `log.enabled` is checked by callers on hot paths so that
 * a disabled logger costs one property read and no string formatting.
 */
export interface Logger {
  (formatter: any, ...args: any[]): void
  error(formatter: any, ...args: any[]): void
  trace(formatter: any, ...args: any[]): void
  enabled: boolean
  /** a logger named `<this logger's name>:<name>`, for a part of a component (js-libp2p 3's name) */
  newScope(name: string): Logger
}

/** Makes loggers named `<prefix>:<name>`; components receive one instead of a global */
export interface ComponentLogger {
  forComponent(name: string): Logger
}
