/**
 * The flags of `raftctl crash-simulate`, with parsers whose errors say in one line what is
 * allowed (exit 2). They live here because every file under src/commands is a command.
 */
import {Flags} from '@oclif/core'
import {UsageError} from '../render/command-base.js'
import {parseDurationMs} from '../render/format.js'
import {MAX_CRASH_MS} from './routes/crash.js'

/** "8080", "127.0.0.1:8080" or "http://127.0.0.1:8080" as the URL of a node's API. */
export function parseApiUrl(input: string): URL {
  const text = input.trim()
  const withHost = /^\d+$/.test(text) ? `127.0.0.1:${text}` : text
  let url: URL | undefined
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(withHost) ? withHost : `http://${withHost}`)
  } catch {
    // reported below
  }
  if (!url || url.protocol !== 'http:' || !url.hostname) {
    throw new UsageError(`--api must be the address of a node's API like 127.0.0.1:8080 or http://127.0.0.1:8080, not "${input}"`)
  }
  return url
}

/** --api: the HTTP API of the node to crash, as given to `raftctl run --api`. */
export const apiUrlFlag = Flags.custom<URL>({
  char: 'a',
  helpValue: '<url>',
  description: 'HTTP API of the node to crash, as given to `raftctl run --api` (host:port or a URL).',
  parse: async (input) => parseApiUrl(input),
})

/** --for: how long the node stays crashed, 1 ms to 10 min. */
export const crashForFlag = Flags.custom<number>({
  char: 'f',
  default: 500,
  defaultHelp: async () => '500ms',
  description: 'How long the node behaves as crashed, like 500ms or 2s (at most 10m).',
  helpValue: '<duration>',
  async parse(input) {
    const value = parseDurationMs(input)
    if (value === undefined || !Number.isInteger(value) || value < 1 || value > MAX_CRASH_MS) {
      throw new UsageError(`--for must be a whole number of milliseconds from 1ms to 10m like 500ms or 2s, not "${input}"`)
    }
    return value
  },
})
