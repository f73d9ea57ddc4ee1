import {Flags} from '@oclif/core'
import {chalkStderr} from 'chalk'
import {attachProgram, type AttachResult} from '../dataplane/xdp/program.js'
import {renderAttach} from '../render/attachment.js'
import {RaftctlCommand} from '../render/command-base.js'
import {clusterIdFlag, ifaceFlag, portFlag} from '../render/flags.js'

/** What `raftctl attach --json` prints. */
export type AttachCommandResult = AttachResult

/** `raftctl attach`: loads the XDP program onto an interface and pins it and its maps. */
export default class Attach extends RaftctlCommand {
  static summary = 'Attach the raftctl XDP program to a network interface.'
  static description = `Loads obj/raftctl.bpf.o (rebuilt when a source is newer) with the port and cluster id fixed in it, attaches it and pins the program and its maps under /sys/fs/bpf/raftctl/<iface>/ (/sys/fs/bpf/raftctl/netns-<name>/<iface>/ inside a named network namespace), reusing maps already pinned there so the node keeps its term and vote. Running it again with the same settings changes nothing. Another XDP program on the interface is left alone unless --force is given; --force also switches between native and generic mode and repairs damaged pins. Inside a namespace run raftctl with nsenter --net=/run/netns/NAME: ip netns exec remounts /sys and hides bpffs.`
  static examples = [
    {description: 'Attach in the best mode the driver offers, on the default port.', command: '<%= config.bin %> <%= command.id %> --iface eth0'},
    {description: 'Attach in generic (skb) mode for cluster 7 on port 6000.', command: '<%= config.bin %> <%= command.id %> -i eth0 --mode generic --port 6000 --cluster-id 7'},
    {description: 'Replace whatever XDP program is attached.', command: '<%= config.bin %> <%= command.id %> -i eth0 --force'},
  ]
  static enableJsonFlag = true
  static flags = {
    iface: ifaceFlag({required: true}),
    mode: Flags.option({char: 'm', options: ['auto', 'native', 'generic'] as const, default: 'auto' as const,
      description: 'XDP mode: native (in the driver), generic (skb) or auto (native if the driver can).'})(),
    port: portFlag(),
    'cluster-id': clusterIdFlag(),
    force: Flags.boolean({char: 'f', description: 'Replace another XDP program, or raftctl attached with other settings.'}),
  }

  async run(): Promise<AttachCommandResult> {
    const {flags} = await this.parse(Attach)
    const result = await attachProgram({iface: flags.iface, mode: flags.mode, port: flags.port,
      clusterId: flags['cluster-id'], force: flags.force})
    if (!this.jsonEnabled()) {
      this.log(renderAttach(result))
      for (const warning of result.warnings) this.logToStderr(chalkStderr.yellow(`Warning: ${warning}`))
    }
    return result
  }
}
