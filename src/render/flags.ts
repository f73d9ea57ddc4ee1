/**
 * Flags shared by raftctl commands, with parsers whose errors say in one line what is allowed
 * (oclif exits 2 for them). They live here because every file under src/commands is a command.
 */
import {Args, Flags} from '@oclif/core'
import {RAFT_DEFAULT_PORT} from '../dataplane/wire.js'
import {MAP_NAMES, type MapName} from '../dataplane/xdp/pins.js'
import {UsageError} from './command-base.js'
import {parseDurationMs} from './format.js'

/** A parser for a whole number in [min, max]; `what`, if given, says what the number is for. */
export function integerIn(flag: string, min: number, max: number, what?: string) {
  return async (input: string): Promise<number> => {
    const value = /^-?\d+$/.test(input.trim()) ? Number(input.trim()) + 0 : Number.NaN // + 0: "-0" is 0
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}${what ? ` (${what})` : ''}, not "${input}"`)
    }
    return value
  }
}

/** --iface: the network interface to work on. */
export const ifaceFlag = Flags.custom<string>({char: 'i', helpValue: '<name>', description: 'Network interface, as in `ip link`.'})

/** --port: the UDP port of raft messages, fixed in the program at attach time. */
export const portFlag = Flags.custom<number>({
  char: 'p',
  default: RAFT_DEFAULT_PORT,
  description: 'UDP port the XDP program answers raft messages on.',
  helpValue: '<1-65535>',
  parse: integerIn('port', 1, 65_535, 'a UDP port'),
})

/** --cluster-id: messages carrying another cluster id are dropped. */
export const clusterIdFlag = Flags.custom<number>({
  char: 'c',
  default: 0,
  description: 'Cluster id carried by every message; others are dropped.',
  helpValue: '<0-4294967295>',
  parse: integerIn('cluster-id', 0, 0xffff_ffff, 'a 32-bit cluster id'),
})

/** --interval: a duration such as 500ms, 1s or 2m, in milliseconds. */
export const intervalFlag = Flags.custom<number>({
  default: 1000,
  defaultHelp: async () => '1s',
  description: 'Time between redraws with --watch, like 500ms, 1s or 2m.',
  helpValue: '<duration>',
  async parse(input) {
    const ms = parseDurationMs(input)
    if (ms === undefined || ms < 50) throw new UsageError(`--interval must be a duration of at least 50ms like 500ms, 1s or 2m, not "${input}"`)
    return ms
  },
})

/** The MAP argument of `maps dump`: one of the program's maps, or all when absent. */
export const mapNameArg = Args.custom<MapName>({
  description: `Only this map: ${MAP_NAMES.join(', ')}.`,
  async parse(input) {
    const name = MAP_NAMES.find((n) => n === input)
    if (!name) throw new UsageError(`unknown map "${input}"; the maps are ${MAP_NAMES.join(', ')}`)
    return name
  },
})
