/**
 * Flags of the `cluster` commands, with parsers whose errors say in one line what is allowed.
 * They live here, not under src/commands, because oclif takes every file there for a command.
 */
import {Flags} from '@oclif/core'
import {UsageError} from '../render/command-base.js'
import {integerIn} from '../render/flags.js'
import {parseTimeoutRange} from '../render/run-flags.js'
import {parseDurationMs} from '../render/format.js'
import {CLI_CLUSTER_NAME, CLUSTER_NAME} from './names.js'

/** --name: the cluster's name, the prefix of everything it creates. */
export const nameFlag = Flags.custom<string>({
  default: CLI_CLUSTER_NAME,
  description: 'Cluster name: namespaces are <name>-sw, <name>-n1, ... (1-10 lowercase letters and digits).',
  helpValue: '<name>',
  async parse(input) {
    if (!CLUSTER_NAME.test(input)) throw new UsageError(`--name must be 1-10 lowercase letters and digits starting with a letter, not "${input}"`)
    return input
  },
})

/** A duration flag (500ms, 2s, 1m) of at least `minMs`. */
export function durationFlag(flag: string, minMs: number, description: string) {
  return Flags.custom<number>({
    description,
    helpValue: '<duration>',
    async parse(input) {
      const ms = parseDurationMs(input)
      if (ms === undefined || ms < minMs) throw new UsageError(`--${flag} must be a duration like 2s, 1m or ${minMs}ms, at least ${minMs}ms, not "${input}"`)
      return ms
    },
  })
}

/** --election-timeout-ms MIN-MAX (or one number T for T-2T). */
export const electionTimeoutFlag = Flags.custom<{min: number; max: number}>({
  description: 'Election timeout range in ms, drawn uniformly per period, like 150-300 (one number T means T-2T).',
  helpValue: '<min-max>',
  parse: parseTimeoutRange, // run's own: whatever cluster up accepts, its nodes accept
})

/** --heartbeat-ms: the leader's heartbeat interval. */
export const heartbeatFlag = Flags.custom<number>({description: 'Heartbeat interval of the leader in ms.', default: 50, helpValue: '<ms>',
  parse: integerIn('heartbeat-ms', 5, 10_000)})

/** --nodes: how many nodes the cluster has. */
export const nodesFlag = Flags.custom<number>({char: 'n', description: 'Number of nodes.', default: 3, helpValue: '<1-16>',
  parse: integerIn('nodes', 1, 16)})
