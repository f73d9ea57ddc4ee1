import {removeCluster, type CleanupReport} from '../../cluster/cleanup.js'
import {nameFlag} from '../../cluster/flags.js'
import {clusterNames} from '../../cluster/names.js'
import {requireRoot} from '../../dataplane/xdp/program.js'
import {RaftctlCommand} from '../../render/command-base.js'

/** What `raftctl cluster down --json` prints: what was removed. */
export type ClusterDownResult = CleanupReport

/** `raftctl cluster down`: removes a local cluster, also what a crashed `cluster up` left behind. */
export default class ClusterDown extends RaftctlCommand {
  static summary = 'Remove a local cluster: its processes, namespaces, XDP programs and pins.'
  static description = 'Finds everything of the cluster by its name, whether or not `cluster up` is still running: the processes in its namespaces (SIGTERM, then SIGKILL), XDP attachments, the namespaces with their links, bridge and fault rules, the pin directories under /sys/fs/bpf/raftctl/netns-<name>-n*, and /run/raftctl-cluster/<name>. Running it again does nothing.'
  static examples = [
    {description: 'Remove the cluster of `raftctl cluster up`.', command: '<%= config.bin %> <%= command.id %>'},
  ]
  static enableJsonFlag = true
  static flags = {name: nameFlag()}

  async run(): Promise<ClusterDownResult> {
    const {flags} = await this.parse(ClusterDown)
    requireRoot('cluster down')
    const report = await removeCluster(clusterNames(flags.name))
    if (!this.jsonEnabled()) {
      const what = `${report.namespaces.length} namespaces, ${report.pinDirs.length} pin directories, ${report.processes.length} processes`
      this.log(report.namespaces.length + report.pinDirs.length + report.processes.length ? `removed cluster ${flags.name}: ${what}` : `no cluster ${flags.name} to remove`)
    }
    return report
  }
}
