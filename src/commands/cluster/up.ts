import {Flags} from '@oclif/core'
import {durationFlag, electionTimeoutFlag, heartbeatFlag, nameFlag, nodesFlag} from '../../cluster/flags.js'
import {requireClusterPrivileges, runLive, type LiveSummary} from '../../cluster/live.js'
import {RaftctlError} from '../../errors.js'
import {checkTiming} from '../../node/run-node.js'
import {RaftctlCommand} from '../../render/command-base.js'

/** What `raftctl cluster up --json` prints once the cluster is down again. */
export type ClusterUpResult = LiveSummary

/** `raftctl cluster up`: a whole cluster on this machine, in network namespaces. */
export default class ClusterUp extends RaftctlCommand {
  static summary = 'Run a Raft cluster of network namespaces on this machine and watch it elect.'
  static description = 'Creates one namespace per node joined by a bridge in a switch namespace (nothing in the host namespace), runs `raftctl run` in each, and streams their merged, colour-coded logs. Press v or Enter for the cluster view (role, term, leader, heartbeat round trip); in a pipe the view is printed at each leader change. --crash-every crashes the leader through its API so re-elections show. Ctrl-C, q or the end of --duration tear everything down; `raftctl cluster down` cleans up after a crash.'
  static examples = [
    {description: 'Three nodes until Ctrl-C.', command: '<%= config.bin %> <%= command.id %> --nodes 3'},
    {description: 'Crash the leader every 3 s for 15 s, then stop.', command: '<%= config.bin %> <%= command.id %> --nodes 3 --crash-every 3s --duration 15s'},
    {description: 'Five nodes mixing XDP and userspace dataplanes.', command: '<%= config.bin %> <%= command.id %> -n 5 --dataplane mixed'},
  ]
  static enableJsonFlag = true
  static flags = {
    nodes: nodesFlag(),
    dataplane: Flags.string({char: 'd', description: 'Dataplane of the nodes; mixed alternates xdp and userspace.', options: ['xdp', 'userspace', 'mixed'], default: 'xdp'}),
    'crash-every': durationFlag('crash-every', 500, 'Crash the current leader this often (crash-simulate through its API).')(),
    duration: durationFlag('duration', 1000, 'Stop and tear down after this long.')(),
    'heartbeat-ms': heartbeatFlag(),
    'election-timeout-ms': electionTimeoutFlag({default: {min: 150, max: 300}, defaultHelp: async () => '150-300'}),
    name: nameFlag(),
  }

  async run(): Promise<ClusterUpResult> {
    const {flags} = await this.parse(ClusterUp)
    checkTiming(flags['heartbeat-ms'], flags['election-timeout-ms'])
    requireClusterPrivileges()
    const summary = await runLive({name: flags.name, nodes: flags.nodes, dataplane: flags.dataplane as 'xdp' | 'userspace' | 'mixed',
      crashEveryMs: flags['crash-every'], durationMs: flags.duration, heartbeatMs: flags['heartbeat-ms'],
      electionTimeoutMs: flags['election-timeout-ms'], print: (text) => this.jsonEnabled() || this.log(text)})
    if (summary.violations.length > 0) throw new RaftctlError(`safety violated: ${summary.violations.join('; ')}`)
    if (summary.exited.length === flags.nodes) throw new RaftctlError('every node exited by itself (their errors are above); fix that and run again')
    return summary
  }
}
