/**
 * An error meant for the person at the terminal: one line saying what failed, on what, and how
 * to fix it. Commands print its message as is and exit non-zero.
 */
export class RaftctlError extends Error {
  /** Defaults to 2 for bad input; kernel and environment failures use 1. */
  readonly exitCode: number

  constructor(message: string, options: {cause?: unknown; exitCode?: number} = {}) {
    super(message, {cause: options.cause})
    this.name = 'RaftctlError'
    this.exitCode = options.exitCode ?? 1
  }
}
