/**
 * The base of every raftctl command: whatever fails is reported as one line on stderr (oclif
 * would wrap long messages at 80 columns in a pipe and spread flag errors over several lines)
 * with the error's exit code, also under --json, where oclif would otherwise exit 1.
 */
import {Command, Errors} from '@oclif/core'
import {chalkStderr} from 'chalk'
import {stripVTControlCharacters} from 'node:util'
import {RaftctlError} from '../errors.js'

/** oclif's framing around flag errors, dropped so that the reason alone remains. */
const FRAMING = [/^See more help with --help$/, /^Parsing --\S+$/, /^The following errors? occurred:$/]

/** A bad flag or argument value, found by raftctl's own parsers: exit 2, like oclif's parse errors. */
export class UsageError extends Errors.CLIError {
  constructor(message: string) {
    super(message, {exit: 2})
  }
}

/** Whether this is about the command line (bad or missing flag or argument). */
function isParseError(error: unknown): boolean {
  return error instanceof UsageError ||
    (error instanceof Errors.CLIError && ('parse' in error || /See more help with --help/.test(error.message)))
}

/** The exit code an error asks for: RaftctlError's, oclif's (2 for bad flags), else 1. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof RaftctlError) return error.exitCode
  const oclif = (error as {oclif?: {exit?: number}})?.oclif
  return typeof oclif?.exit === 'number' && oclif.exit > 0 ? oclif.exit : 1
}

/** An error's message as one line; flag errors end with where to read the command's help. */
export function oneLineMessage(error: unknown, helpCommand: string): string {
  const text = stripVTControlCharacters(error instanceof Error ? error.message : String(error))
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !FRAMING.some((f) => f.test(l)))
  const message = lines.join('; ') || 'failed without a message'
  return isParseError(error) ? `${message}; see: ${helpCommand} --help` : message
}

/** A command whose errors are one line, with the right exit code in text and JSON mode alike. */
export abstract class RaftctlCommand extends Command {
  /** Prints `Error: <one line>` (or a JSON error under --json) and exits with the error's code. */
  protected async catch(error: Error): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    const message = oneLineMessage(error, `${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim())
    const exitCode = exitCodeOf(error)
    process.exitCode = exitCode
    if (this.jsonEnabled()) {
      this.logJson({error: {message, exitCode}})
      return undefined
    }
    process.stderr.write(`${chalkStderr.red('Error:')} ${message}\n`)
    return this.exit(exitCode)
  }
}
