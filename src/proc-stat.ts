/** Reading proc(5)'s stat lines of processes and threads. */
import {readFileSync} from 'node:fs'

/**
 * The fields of a /proc/PID/stat (or /proc/PID/task/TID/stat) line from field 3, the state, on:
 * field n of proc(5) is at index n - 3. The command name before them is in parentheses and may
 * itself hold spaces and parentheses, so the split starts after the last ')'. Throws if gone.
 */
export function procStatFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}
