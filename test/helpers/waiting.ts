/** Waiting for something asynchronous (ring-buffer deliveries) without fixed sleeps. */
import {setTimeout as sleep} from 'node:timers/promises'

/** Resolves once `done()` holds; rejects after `timeoutMs` naming `what`. */
export async function waitFor(what: string, done: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}
