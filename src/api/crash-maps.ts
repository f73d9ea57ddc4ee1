/**
 * `crash-simulate --iface`: sets the crashed flag in the pinned raft_state of an interface, so
 * the XDP program drops every raft packet, then clears it. The node's `raftctl run` is not told:
 * it keeps sending heartbeats and vote requests, so this is only the kernel half of a crash.
 */
import {once} from 'node:events'
import {setTimeout as sleep} from 'node:timers/promises'
import {requireBpffs} from '../dataplane/xdp/pins.js'
import {RaftMaps} from '../dataplane/xdp/maps.js'
import {requireRoot} from '../dataplane/xdp/program.js'
import {RaftctlError} from '../errors.js'
import {describeBefore, describeLeader, ms, type CrashOutcome, type NodeSnapshot} from './crash-outcome.js'

function snapshot(maps: RaftMaps): NodeSnapshot & {crashed: boolean} {
  const state = maps.readState()
  const {hard} = state
  return {nodeId: maps.readConfig().nodeId, role: hard.role, term: hard.term.toString(), leaderId: state.leaderId,
    crashed: state.crashed}
}

/**
 * Waits `forMs`, or less if the user interrupts: either way the caller clears the flag, as a node
 * left crashed by a Ctrl-C would silently stay out of the cluster. True when interrupted.
 */
async function interruptibleWait(forMs: number): Promise<boolean> {
  const stop = new AbortController()
  const signals = ['SIGINT', 'SIGTERM'].map((name) => once(process, name, {signal: stop.signal}).then(() => true))
  try {
    return await Promise.race([sleep(forMs, false, {signal: stop.signal}), ...signals])
  } finally {
    stop.abort()
    await Promise.allSettled(signals)
  }
}

/** Crashes the node on `iface` in the kernel only, for `forMs`, and reports its state before and after. */
export async function crashViaMaps(iface: string, options: {forMs: number; onStep?: (line: string) => void}): Promise<CrashOutcome> {
  const {forMs, onStep = () => {}} = options
  requireRoot('crash-simulate --iface')
  requireBpffs()
  const maps = RaftMaps.openPinned(iface)
  try {
    const {crashed, ...before} = snapshot(maps)
    if (crashed) throw new RaftctlError(`the node on ${iface} is already crashed; wait for it to rejoin`)
    const startedAt = performance.now()
    maps.setCrashed(true)
    let interrupted: boolean
    try {
      onStep(`${describeBefore(before)}; its XDP program on ${iface} drops every raft packet for ${ms(forMs)}`)
      interrupted = await interruptibleWait(forMs)
    } finally {
      maps.setCrashed(false)
    }
    const rejoinedAfterMs = Math.round(performance.now() - startedAt)
    if (interrupted) throw new RaftctlError(`interrupted after ${ms(rejoinedAfterMs)}; the crashed flag on ${iface} is cleared`, {exitCode: 130})
    const {crashed: _, ...after} = snapshot(maps)
    onStep(`the XDP program on ${iface} answers again after ${ms(rejoinedAfterMs)}; the kernel's view: ` +
      `n${after.nodeId} ${after.role} in term ${after.term}, leader: ${describeLeader(after)}`)
    return {via: 'iface', target: iface, forMs, before, after, rejoinedAfterMs}
  } finally {
    maps.close()
  }
}
