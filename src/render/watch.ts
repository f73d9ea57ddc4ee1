/**
 * Redraws a view every interval until Ctrl-C: in place on a terminal (ANSI home and clear),
 * as successive timestamped snapshots into a pipe or file.
 */

const CLEAR_SCREEN = '\x1b[H\x1b[2J'

/** Draws what `read` returns now and then every `intervalMs` until SIGINT; resolves with the last value drawn. */
export async function watch<T>(intervalMs: number, read: () => T, draw: (value: T) => string,
  out: NodeJS.WriteStream = process.stdout): Promise<T> {
  let stop: () => void = () => {}
  let stopped = false
  const onSigint = () => {
    stopped = true
    stop()
  }
  process.once('SIGINT', onSigint)
  try {
    let last = read()
    for (;;) {
      const stamp = `${new Date().toLocaleTimeString()}, every ${intervalMs} ms; Ctrl-C to stop`
      out.write(out.isTTY ? `${CLEAR_SCREEN}${stamp}\n\n${draw(last)}\n` : `--- ${stamp}\n${draw(last)}\n\n`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs)
        stop = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      if (stopped) return last
      last = read()
    }
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}
