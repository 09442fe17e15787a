import { expect } from 'aegir/chai'
import { Progress } from '../src/commands/progress.js'

/** a stand-in for process.stderr that records what is written */
function stream (isTTY: boolean, columns = 40): NodeJS.WriteStream & { written: string } {
  const s = { isTTY, columns, written: '', write (text: string) { s.written += text; return true } }
  return s as unknown as NodeJS.WriteStream & { written: string }
}

describe('client commands: the progress line', () => {
  it('rewrites one line in place on a TTY, cut to the terminal width, and clears it', () => {
    const tty = stream(true, 20)
    const progress = new Progress(tty)
    progress.show('asked 1 peer(s)')
    progress.show('asked 2 peer(s), and a long tail that does not fit')
    progress.clear()
    progress.clear()
    expect(tty.written).to.equal('\r\x1b[2Kasked 1 peer(s)\r\x1b[2Kasked 2 peer(s), an\r\x1b[2K')
  })

  it('prints nothing when stderr is not a TTY (piped, a log file)', () => {
    const piped = stream(false)
    const progress = new Progress(piped)
    progress.show('asked 1 peer(s)')
    progress.clear()
    expect(piped.written).to.equal('')
  })
})
