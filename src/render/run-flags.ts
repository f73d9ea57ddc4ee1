/**
 * The flags of `raftctl run`, kept beside the shared ones so that the command itself stays a
 * thin parse-call-render file. Parsers fail with one line saying what is allowed (exit 2).
 */
import {Flags} from '@oclif/core'
import {UsageError} from './command-base.js'
import {clusterIdFlag, ifaceFlag, integerIn, portFlag} from './flags.js'

/** "150-300" (ms, inclusive) or "150" for [150, 300]: rule 5's [T, 2T]. */
export async function parseTimeoutRange(input: string): Promise<{min: number; max: number}> {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(input)
  const min = match ? Number(match[1]) : Number.NaN
  const max = match?.[2] === undefined ? 2 * min : Number(match[2])
  if (!match || min < 1 || max < min || max > 600_000) {
    throw new UsageError(`--election-timeout-ms must be MIN-MAX in ms like 150-300 (or T for T-2T), not "${input}"`)
  }
  return {min, max}
}

/** "127.0.0.1:8080", ":8080" or "8080" (loopback). */
async function parseApiAddress(input: string): Promise<{host: string; port: number}> {
  const match = /^(?:(.*):)?(\d+)$/.exec(input.trim())
  const port = match ? Number(match[2]) : Number.NaN
  if (!match || port > 65_535) throw new UsageError(`--api must be HOST:PORT like 127.0.0.1:8080, not "${input}"`)
  return {host: match[1] || '127.0.0.1', port}
}

/** Every flag of `raftctl run`. */
export const runFlags = {
  iface: ifaceFlag({required: true}),
  peers: Flags.string({required: true, helpValue: '<ip,ip,...>',
    description: 'Every voting member\'s IPv4 address, the same list on every node; node ids are positions 1..N in it.'}),
  id: Flags.custom<number>({helpValue: '<n>', parse: integerIn('id', 1, 65_535),
    description: 'This node\'s position in --peers (1-based); default: the member whose address is on --iface.'})(),
  'heartbeat-ms': Flags.custom<number>({default: 50, helpValue: '<ms>', parse: integerIn('heartbeat-ms', 1, 60_000),
    description: 'Milliseconds between a leader\'s heartbeats (and vote request retransmissions).'})(),
  'election-timeout-ms': Flags.custom<{min: number; max: number}>({default: {min: 150, max: 300}, defaultHelp: async () => '150-300',
    helpValue: '<min-max>', parse: parseTimeoutRange, description: 'Election timeout range; each period draws from it.'})(),
  dataplane: Flags.option({options: ['xdp', 'userspace'] as const, default: 'xdp' as const,
    description: 'Who answers votes and heartbeats: the XDP program in the kernel, or Node over UDP.'})(),
  mode: Flags.option({char: 'm', options: ['auto', 'native', 'generic'] as const, default: 'auto' as const,
    description: 'XDP mode when run attaches (auto: generic on a veth, else the driver\'s best).'})(),
  port: portFlag(),
  'cluster-id': clusterIdFlag(),
  api: Flags.custom<{host: string; port: number}>({helpValue: '<host:port>', parse: parseApiAddress,
    description: 'Serve the HTTP API here (loopback unless a host is given).'})(),
  'state-dir': Flags.string({helpValue: '<dir>',
    description: 'Where term and vote are saved (default /var/lib/raftctl/[netns-<name>/]<iface>).'}),
  'log-format': Flags.option({options: ['text', 'json'] as const, default: 'text' as const,
    description: 'text: one line per event; json: the same events as NDJSON.'})(),
  nice: Flags.custom<number>({helpValue: '<n>', parse: integerIn('nice', -20, 19),
    description: 'Scheduling niceness of the node, -20 (most CPU) to 19. A leader\'s heartbeats come from its process: on a busy machine with election timeouts of tens of ms, a negative value (e.g. -10) gets it a CPU sooner. Below 0 needs root.'})(),
  'crash-after-heartbeats': Flags.custom<number>({helpValue: '<n>', parse: integerIn('crash-after-heartbeats', 1, 1e9),
    description: 'Testing: after n heartbeat rounds as leader, crash (drop all raft traffic) until stopped.'})(),
}
