import {crashViaApi} from '../api/crash-client.js'
import {apiUrlFlag, crashForFlag} from '../api/crash-flags.js'
import {crashViaMaps} from '../api/crash-maps.js'
import type {CrashOutcome} from '../api/crash-outcome.js'
import {RaftctlCommand, UsageError} from '../render/command-base.js'
import {ifaceFlag} from '../render/flags.js'

/** What `raftctl crash-simulate --json` prints: the node before and after, and the timings (ms). */
export type CrashSimulateResult = CrashOutcome

/** `raftctl crash-simulate`: makes a node behave as crashed for a while, then reports the failover. */
export default class CrashSimulate extends RaftctlCommand {
  static summary = 'Make a node behave as crashed for a while, then report the failover.'
  static description = `With --api, asks the node's \`raftctl run\` to crash: it sends nothing and its XDP program drops every raft packet for the duration, then it rejoins as a follower with its durable term and vote. The command prints the old leader and term, polls the node until it is back and knows a leader, and prints the new leader, its term and how long that took. With --iface, only the kernel half is done, through the pinned maps: the XDP program drops raft packets, but a \`raftctl run\` on that interface is not told and keeps sending heartbeats and vote requests, so --api is the complete crash.`
  static examples = [
    {description: 'Crash the node whose API is on port 8080 for half a second.', command: '<%= config.bin %> <%= command.id %> --api 127.0.0.1:8080'},
    {description: 'Crash it for 2 s and print the outcome as JSON.', command: '<%= config.bin %> <%= command.id %> -a http://127.0.0.1:8080 --for 2s --json'},
    {description: 'Only make the XDP program on eth0 drop raft packets for 300 ms.', command: '<%= config.bin %> <%= command.id %> --iface eth0 --for 300ms'},
  ]
  static enableJsonFlag = true
  static flags = {
    api: apiUrlFlag({exclusive: ['iface']}),
    iface: ifaceFlag({exclusive: ['api'], description: 'Crash through the pinned maps of this interface (kernel only; see above).'}),
    for: crashForFlag(),
  }

  async run(): Promise<CrashSimulateResult> {
    const {flags} = await this.parse(CrashSimulate)
    const onStep = (line: string) => this.jsonEnabled() || this.log(line)
    if (flags.api) return crashViaApi(flags.api, {forMs: flags.for, onStep})
    if (flags.iface) return crashViaMaps(flags.iface, {forMs: flags.for, onStep})
    throw new UsageError("give the node's API with --api 127.0.0.1:PORT (its `raftctl run --api`), or --iface IF for the kernel only")
  }
}
