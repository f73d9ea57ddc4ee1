/** CPU time a process has used, from /proc (user + system, all threads), for figure 7. */
import {execFileSync} from 'node:child_process'
import {procStatFields} from '../proc-stat.js'

let ticksPerSecond: number | undefined

/** User + system CPU time of process `pid` so far, in ms (granularity: one clock tick, usually 10 ms). */
export function cpuTimeMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100
  const fields = procStatFields(`/proc/${pid}/stat`)
  const utime = Number(fields[11]) // field 14
  const stime = Number(fields[12]) // field 15
  return ((utime + stime) * 1000) / ticksPerSecond
}
