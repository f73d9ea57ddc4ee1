/**
 * The attach-time settings of a pinned raftctl program (port, cluster id), read back from its
 * pinned .rodata by BTF variable name.
 */
import {BpfMap, decode} from '../../bpf/index.js'
import {RaftctlError} from '../../errors.js'
import {pinPaths} from './pins.js'

/** The `const volatile` globals fixed when the program was loaded. */
export interface AttachSettings {
  port: number
  clusterId: number
}

/** Reads the port and cluster id of the program pinned for `iface`. */
export function readAttachSettings(iface: string): AttachSettings {
  const map = BpfMap.openPinned(pinPaths(iface).rodata)
  try {
    const value = map.lookup(Buffer.alloc(4))
    if (!map.valueLayout || !value) throw new RaftctlError(`cannot read the settings pinned for ${iface}; re-attach with --force`)
    const globals = decode(map.valueLayout, value) as {raft_port: number; raft_cluster_id: number}
    return {port: globals.raft_port, clusterId: globals.raft_cluster_id}
  } finally {
    map.close()
  }
}
