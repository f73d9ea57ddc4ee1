/** CPU time a process has used, from /proc (user + system, all threads), for figure 7. */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

let ticksPerSecond: number | undefined

/** User + system CPU time of process `pid` so far, in ms (granularity: one clock tick, usually 10 ms). */
export function cpuTimeMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // fields after the command name, which is in parentheses and may itself hold spaces
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1000) / ticksPerSecond
}
