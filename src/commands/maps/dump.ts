import {Flags} from '@oclif/core'
import {MAP_NAMES} from '../../dataplane/xdp/pins.js'
import {RaftctlCommand} from '../../render/command-base.js'
import {ifaceFlag, intervalFlag, mapNameArg} from '../../render/flags.js'
import {jsonSafe, type JsonSafe} from '../../render/format.js'
import {dumpTarget, readPinnedMaps, type MapSnapshot} from '../../render/map-snapshot.js'
import {renderMaps} from '../../render/map-tables.js'
import {watch} from '../../render/watch.js'

/** What `raftctl maps dump --json` prints: the decoded entries of each map, bigints as strings. */
export type MapsDumpResult = JsonSafe<{iface: string; maps: MapSnapshot[]}>

/** `raftctl maps dump`: the BPF maps of the attached program as tables decoded by BTF. */
export default class MapsDump extends RaftctlCommand {
  static summary = 'Dump the BPF maps of the attached raftctl program.'
  static description = `Reads the maps pinned under /sys/fs/bpf/raftctl/[netns-<name>/]<iface>/ and shows each as a table whose columns are the BTF field names (nested fields dotted), with kernel timestamps relative to now. The ring buffer is summarised, as its records are events rather than entries. Maps: ${MAP_NAMES.join(', ')}.`
  static examples = [
    {description: 'Every map of the only interface raftctl is attached to.', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The peers of the node on eth0, redrawn every 500 ms.', command: '<%= config.bin %> <%= command.id %> raft_peers -i eth0 --watch --interval 500ms'},
    {description: 'The node state as JSON.', command: '<%= config.bin %> <%= command.id %> raft_state --json'},
  ]
  static args = {map: mapNameArg()}
  static enableJsonFlag = true
  static flags = {
    iface: ifaceFlag({description: 'Interface raftctl is attached to (default: the only one).'}),
    watch: Flags.boolean({char: 'w', description: 'Redraw every interval until Ctrl-C.', exclusive: ['json']}),
    interval: intervalFlag(),
  }

  async run(): Promise<MapsDumpResult> {
    const {args, flags} = await this.parse(MapsDump)
    const iface = dumpTarget(flags.iface)
    const read = () => ({iface, maps: readPinnedMaps(iface, args.map)})
    if (flags.watch) return jsonSafe(await watch(flags.interval, read, (r) => renderMaps(r.maps)))
    const result = read()
    if (!this.jsonEnabled()) this.log(renderMaps(result.maps))
    return jsonSafe(result)
  }
}
