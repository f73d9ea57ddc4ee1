import {nameFlag} from '../../cluster/flags.js'
import {ownerAlive, readManifest} from '../../cluster/manifest.js'
import {clusterNames} from '../../cluster/names.js'
import {clusterView, renderView, type ViewRow} from '../../cluster/view.js'
import {requireRoot} from '../../dataplane/xdp/program.js'
import {RaftctlError} from '../../errors.js'
import {RaftctlCommand} from '../../render/command-base.js'

/** What `raftctl cluster status --json` prints: one row per node. */
export type ClusterStatusResult = ViewRow[]

/** `raftctl cluster status`: the view of a running local cluster, from another terminal. */
export default class ClusterStatus extends RaftctlCommand {
  static summary = 'Show the role, term, leader and heartbeat round trip of every node of a local cluster.'
  static description = 'Asks each node of a cluster started by `raftctl cluster up` over its HTTP API (through the relay socket under /run/raftctl-cluster/<name>/), and the leader for its followers\' heartbeat round trips.'
  static examples = [{description: 'The cluster of `raftctl cluster up`.', command: '<%= config.bin %> <%= command.id %>'}]
  static enableJsonFlag = true
  static flags = {name: nameFlag()}

  async run(): Promise<ClusterStatusResult> {
    const {flags} = await this.parse(ClusterStatus)
    requireRoot('cluster status')
    const manifest = readManifest(clusterNames(flags.name).runDir)
    if (!manifest || !ownerAlive(manifest)) {
      throw new RaftctlError(`no cluster ${flags.name} is up; start one with: raftctl cluster up${manifest ? ` (or clean up with: raftctl cluster down --name ${flags.name})` : ''}`)
    }
    const rows = await clusterView(manifest.nodes)
    if (!this.jsonEnabled()) this.log(renderView(rows))
    return rows
  }
}
