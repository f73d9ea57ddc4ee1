import {RaftctlCommand} from '../render/command-base.js'
import {runFlags} from '../render/run-flags.js'
import {runNode} from '../node/run-node.js'

/** `raftctl run`: runs this node of the cluster until SIGINT or SIGTERM. */
export default class Run extends RaftctlCommand {
  static summary = 'Run this node of a Raft leader-election cluster.'
  static description = `Elects a leader with the other members listed in --peers (the same list on every node; node ids are positions in it). With --dataplane xdp (the default) the XDP program answers votes and heartbeats in the kernel; run attaches it unless it is attached already, and on SIGINT/SIGTERM detaches only what it attached. Term and vote survive a restart of the process (pinned maps) and of the machine (the state file in --state-dir). One log line per event; --log-format json prints NDJSON.`
  static examples = [
    {description: 'Run the member of a 3-node cluster whose address is on eth0.', command: '<%= config.bin %> <%= command.id %> --iface eth0 --peers 10.0.0.1,10.0.0.2,10.0.0.3'},
    {description: 'Run node 2 over userspace UDP with the HTTP API and NDJSON logs.', command: '<%= config.bin %> <%= command.id %> -i eth0 --peers 10.0.0.1,10.0.0.2,10.0.0.3 --id 2 --dataplane userspace --api 127.0.0.1:8080 --log-format json'},
  ]
  static flags = runFlags

  async run(): Promise<void> {
    const {flags: f} = await this.parse(Run)
    await runNode({
      iface: f.iface, peers: f.peers, id: f.id, heartbeatMs: f['heartbeat-ms'], electionTimeoutMs: f['election-timeout-ms'],
      dataplane: f.dataplane, mode: f.mode, port: f.port, clusterId: f['cluster-id'], api: f.api, stateDir: f['state-dir'],
      logFormat: f['log-format'], crashAfterHeartbeats: f['crash-after-heartbeats'], nice: f.nice,
    })
  }
}
