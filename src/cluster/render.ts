/**
 * The human face of a cluster's merged log: one line per event, a colour per node, the node's
 * role and term as a tag. Colour comes from chalk, so it is there on a terminal and not in a pipe.
 */
import chalk, {type ChalkInstance} from 'chalk'
import type {LogEntry} from './events.js'

const NODE_COLOURS: ChalkInstance[] = [chalk.cyan, chalk.magenta, chalk.yellow, chalk.blue, chalk.green, chalk.red, chalk.white]
const ROLE_COLOURS = {leader: chalk.green.bold, candidate: chalk.yellow, follower: chalk.dim}

/** The colour of node `n`'s lines. */
export function nodeColour(n: number): ChalkInstance {
  return NODE_COLOURS[(n - 1) % NODE_COLOURS.length]!
}

function clock(date = new Date()): string {
  return date.toTimeString().slice(0, 8) + '.' + String(date.getMilliseconds()).padStart(3, '0')
}

/** One log entry as a line: `n2 12:00:01.234 [leader   t3] message`. */
export function formatEntry(entry: LogEntry): string {
  const who = nodeColour(entry.node)(`n${entry.node}`.padEnd(3))
  const line = entry.line
  if (!line) {
    const text = entry.text ?? ''
    return `${who} ${clock()} ${entry.stream === 'stderr' ? chalk.red(text) : chalk.dim(text)}`
  }
  const time = typeof line.fields.time === 'string' ? clock(new Date(line.fields.time)) : clock()
  const tag = ROLE_COLOURS[line.role](`[${line.role.padEnd(9)} t${line.term}]`)
  // run's messages start with "n2 [term 3] " (src/raft/log.ts); the tag already says that
  const message = line.message.replace(/^n\d+ \[term \d+\] /, '')
  return `${who} ${time} ${tag} ${line.fields.source === 'kernel' ? chalk.dim(message) : message}`
}

/** A line from the harness itself (crashes it caused, elections it saw), set apart from node lines. */
export function formatNote(text: string): string {
  return `${chalk.bold('==')} ${clock()} ${chalk.bold(text)}`
}
