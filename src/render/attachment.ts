/** What `raftctl attach` and `raftctl detach` print. */
import type {AttachResult, DetachResult} from '../dataplane/xdp/program.js'
import {recordTable} from './table.js'

/** The attach outcome: a headline and the settings now in force. */
export function renderAttach(result: AttachResult): string {
  const headline = result.alreadyAttached
    ? `raftctl is already attached to ${result.iface} with these settings; nothing changed`
    : `attached raftctl to ${result.iface} in ${result.mode} mode`
  return `${headline}\n${recordTable([
    ['interface', result.iface],
    ['program id', result.programId],
    ['tag', result.tag],
    ['mode', result.mode],
    ['port', result.port],
    ['cluster id', result.clusterId],
    ['pin path', result.pinPath],
  ])}`
}

/** The detach outcome as one line. */
export function renderDetach(result: DetachResult): string {
  if (result.detached) return `detached raftctl from ${result.iface} and removed its pins (the kernel's copy of term and vote; a run's state file in --state-dir stays)`
  if (result.unpinned) return `removed the stale raftctl pins of ${result.iface} (no raftctl program was attached)`
  return `nothing attached to ${result.iface}`
}
