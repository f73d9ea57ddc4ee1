/**
 * What is attached where: every interface with an XDP program or raftctl pins, in the manner
 * of `xdp-loader status`, with the node's Raft view where the program is raftctl's.
 */
import {execFileSync} from 'node:child_process'
import {programInfo, queryXdp} from '../../bpf/index.js'
import type {Role} from '../../raft/types.js'
import {RaftMaps} from './maps.js'
import {interfaceExists, pinnedProgramIds} from './program.js'
import {pinPaths, pinnedInterfaces} from './pins.js'
import {readAttachSettings} from './settings.js'

/** One interface's row. */
export interface InterfaceStatus {
  iface: string
  /** 0 when nothing is attached. */
  programId: number
  programName?: string
  tag?: string
  mode: string
  /** Whether the attached program is the one raftctl pinned for this interface. */
  raftctl: boolean
  /** Set when raftctl pins exist for this interface. */
  pinPath?: string
  /** Why the pinned settings or Raft view could not be read (damaged pins). */
  error?: string
  port?: number
  clusterId?: number
  node?: {
    nodeId: number
    clusterSize: number
    term: bigint
    votedFor: number
    role: Role
    leaderId: number
    crashed: boolean
  }
}

/** Interfaces of this network namespace (sysfs would show the namespace it was mounted in). */
function listInterfaces(): string[] {
  const links = JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], {encoding: 'utf8'})) as {ifname: string}[]
  return links.map((l) => l.ifname)
}


function nodeView(iface: string): InterfaceStatus['node'] {
  const maps = RaftMaps.openPinned(iface)
  try {
    const state = maps.readState()
    const config = maps.readConfig()
    // The kernel keeps the last leader it heard; a leader its process elected (one node) it never hears.
    const leaderId = state.hard.role === 'leader' ? config.nodeId : state.leaderTerm === state.hard.term ? state.leaderId : 0
    return {nodeId: config.nodeId, clusterSize: config.clusterSize, ...state.hard, leaderId, crashed: state.crashed}
  } finally {
    maps.close()
  }
}

/** Status of one interface. */
export function interfaceStatus(iface: string): InterfaceStatus {
  const xdp = interfaceExists(iface) ? queryXdp(iface) : {mode: 'gone', programId: 0}
  const info = xdp.programId ? programInfo(xdp.programId) : undefined
  const row: InterfaceStatus = {iface, programId: xdp.programId, programName: info?.name, tag: info?.tag,
    mode: xdp.mode, raftctl: false}
  const pinnedId = pinnedProgramIds(iface).current
  if (pinnedId === undefined) return row
  const pinned = {...row, raftctl: pinnedId === xdp.programId, pinPath: pinPaths(iface).root}
  try {
    const settings = readAttachSettings(iface)
    return {...pinned, port: settings.port, clusterId: settings.clusterId, node: nodeView(iface)}
  } catch (error) {
    // one damaged attachment must not hide the others: report it on its own row
    return {...pinned, error: `${(error as Error).message}; repair it with: raftctl attach --iface ${iface} --force`}
  }
}

/** Status of every interface that has an XDP program or raftctl pins. */
export function allStatus(): InterfaceStatus[] {
  const names = new Set([...listInterfaces(), ...pinnedInterfaces()])
  return [...names].sort().map(interfaceStatus).filter((s) => s.programId !== 0 || s.pinPath)
}
