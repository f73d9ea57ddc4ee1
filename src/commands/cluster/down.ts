import {Flags} from '@oclif/core'
import {isStale, removeCluster, staleClusters, stopOwner, type CleanupReport, type OwnerStop} from '../../cluster/cleanup.js'
import {nameFlag} from '../../cluster/flags.js'
import {clusterNames} from '../../cluster/names.js'
import {requireRoot} from '../../dataplane/xdp/program.js'
import {RaftctlCommand} from '../../render/command-base.js'

/** What `raftctl cluster down --json` prints, per cluster: the owner it stopped, if any, and what was left to remove. */
export type ClusterDownResult = Array<{name: string; owner?: OwnerStop} & CleanupReport>

/** `raftctl cluster down`: removes a local cluster, also what a crashed `cluster up` or `bench` left behind. */
export default class ClusterDown extends RaftctlCommand {
  static summary = 'Remove a local cluster: its processes, namespaces, XDP programs and pins.'
  static description = 'When the owner of the cluster (`cluster up`, `bench`) is still running, asks it to stop (SIGTERM) so that it tears the cluster down as after Ctrl-C, and waits up to 15 s for it. Then finds whatever is left of the cluster by its name: the processes in its namespaces (SIGTERM, then SIGKILL), XDP attachments, the namespaces with their links, bridge and fault rules, the pin directories under /sys/fs/bpf/raftctl/netns-<name>-n*, /run/raftctl-cluster/<name> and /dev/shm/raftctl-cluster/<name> (state files, etcd data). --stale removes instead every cluster whose owner (`cluster up`, `bench`, a test) is no longer running and in whose namespaces no process runs, whatever its name. Running it again does nothing.'
  static examples = [
    {description: 'Remove the cluster of `raftctl cluster up`.', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Remove what a killed `raftctl bench` left.', command: '<%= config.bin %> <%= command.id %> --stale'},
  ]
  static enableJsonFlag = true
  static flags = {
    name: nameFlag(),
    stale: Flags.boolean({description: 'Remove every cluster whose owner is no longer running, whatever its name.', exclusive: ['name']}),
  }

  async run(): Promise<ClusterDownResult> {
    const {flags} = await this.parse(ClusterDown)
    requireRoot('cluster down')
    const names = flags.stale ? staleClusters() : [flags.name]
    const removed: ClusterDownResult = []
    for (const name of names) {
      if (flags.stale && !isStale(clusterNames(name))) continue // taken up again since the list was made
      const owner = flags.stale ? undefined : await stopOwner(clusterNames(name))
      const report = await removeCluster(clusterNames(name))
      removed.push({name, ...(owner ? {owner} : {}), ...report})
      if (!this.jsonEnabled()) this.log(describeRemoval(name, report, owner, flags.stale))
    }
    if (flags.stale && removed.length === 0 && !this.jsonEnabled()) this.log('no stale cluster to remove')
    return removed
  }
}

/** One line on what `down` did to one cluster. */
function describeRemoval(name: string, report: CleanupReport, owner: OwnerStop | undefined, stale: boolean): string {
  const left = report.namespaces.length + report.pinDirs.length + report.processes.length
  const what = `${report.namespaces.length} namespaces, ${report.pinDirs.length} pin directories, ${report.processes.length} processes`
  if (owner?.exited) return `stopped the owner of cluster ${name} (pid ${owner.pid}), which tore it down` + (left ? `; then removed ${what}` : '')
  if (owner) return `the owner of cluster ${name} (pid ${owner.pid}) did not stop within 15 s; removed cluster ${name}: ${what}`
  return stale || left ? `removed cluster ${name}: ${what}` : `no cluster ${name} to remove`
}
