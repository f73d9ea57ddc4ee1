import {requireBpffs} from '../dataplane/xdp/pins.js'
import {noSuchInterface, requireRoot} from '../dataplane/xdp/program.js'
import {allStatus, interfaceStatus, type InterfaceStatus} from '../dataplane/xdp/status.js'
import {RaftctlCommand} from '../render/command-base.js'
import {ifaceFlag} from '../render/flags.js'
import {jsonSafe, type JsonSafe} from '../render/format.js'
import {renderStatus} from '../render/status.js'

/** What `raftctl status --json` prints: one record per interface, terms as strings. */
export type StatusResult = JsonSafe<InterfaceStatus[]>

/** `raftctl status`: what XDP program is attached where, and each raftctl node's Raft view. */
export default class Status extends RaftctlCommand {
  static summary = 'Show XDP attachments and the Raft view of each raftctl node.'
  static description = `Lists every interface of this network namespace that has an XDP program or raftctl pins, in the manner of xdp-loader status: the program, the mode in force, whether it is raftctl's, its port and cluster id, and the node's id, term, vote, role, known leader and crash flag.`
  static examples = [
    {description: 'Every interface with an XDP program.', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'One interface, as JSON.', command: '<%= config.bin %> <%= command.id %> --iface eth0 --json'},
  ]
  static enableJsonFlag = true
  static flags = {
    iface: ifaceFlag({description: 'Show only this interface.'}),
  }

  async run(): Promise<StatusResult> {
    const {flags} = await this.parse(Status)
    requireRoot('status')
    requireBpffs() // without it every pin looks gone: say so rather than show raftctl detached
    const rows = flags.iface ? [interfaceStatus(flags.iface)] : allStatus()
    if (flags.iface && rows[0]?.mode === 'gone' && !rows[0].pinPath) throw noSuchInterface(flags.iface)
    if (!this.jsonEnabled()) this.log(renderStatus(rows))
    return jsonSafe(rows)
  }
}
