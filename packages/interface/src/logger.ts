/**
 * A debug-compatible logger. `log.enabled` is checked by callers on hot paths so that
 * a disabled logger costs one property read and no string formatting.
 */
export interface Logger {
  (formatter: any, ...args: any[]): void
  error(formatter: any, ...args: any[]): void
  trace(formatter: any, ...args: any[]): void
  enabled: boolean
}

/** Makes loggers named `<prefix>:<name>`; components receive one instead of a global */
export interface ComponentLogger {
  forComponent(name: string): Logger
}
