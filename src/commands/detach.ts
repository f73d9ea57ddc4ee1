import {detachProgram, type DetachResult} from '../dataplane/xdp/program.js'
import {renderDetach} from '../render/attachment.js'
import {RaftctlCommand} from '../render/command-base.js'
import {ifaceFlag} from '../render/flags.js'

/** What `raftctl detach --json` prints. */
export type DetachCommandResult = DetachResult

/** `raftctl detach`: takes raftctl's program off an interface and removes its pins. */
export default class Detach extends RaftctlCommand {
  static summary = 'Detach the raftctl XDP program from a network interface.'
  static description = `Takes raftctl's program off the interface and removes /sys/fs/bpf/raftctl/[netns-<name>/]<iface>/, and with it the node's term and vote. Another XDP program is never touched. Detaching where nothing is attached succeeds.`
  static examples = [
    {description: 'Detach from eth0.', command: '<%= config.bin %> <%= command.id %> --iface eth0'},
    {description: 'Detach and report what was done as JSON.', command: '<%= config.bin %> <%= command.id %> -i eth0 --json'},
  ]
  static enableJsonFlag = true
  static flags = {
    iface: ifaceFlag({required: true}),
  }

  async run(): Promise<DetachCommandResult> {
    const {flags} = await this.parse(Detach)
    const result = await detachProgram(flags.iface)
    if (!this.jsonEnabled()) this.log(renderDetach(result))
    return result
  }
}
