#!/usr/bin/env node
import { runCommand } from './command.js'

runCommand(process.argv.slice(2), {
  out: (line) => { process.stdout.write(line + '\n') },
  err: (line) => { process.stderr.write(line + '\n') },
  untilSignal: async () => new Promise<void>(resolve => {
    process.once('SIGINT', () => { resolve() })
    process.once('SIGTERM', () => { resolve() })
  })
}).then(code => { process.exitCode = code }, (err) => {
  process.stderr.write(`${err?.name ?? 'Error'}: ${err?.message ?? err}\n`)
  process.exitCode = 1
})
