/**
 * cli-table3 tables without cli-table3's own colours (it writes escape codes even into a pipe):
 * headings are coloured with chalk, which respects whether stdout is a terminal.
 */
import chalk from 'chalk'
import Table from 'cli-table3'

/** A cell as shown: text, or a number printed as is. */
export type CellText = string | number

/** A table with a heading row. */
export function gridTable(head: string[], rows: CellText[][]): string {
  const table = new Table({head: head.map((h) => chalk.bold(h)), style: {head: [], border: [], compact: true}})
  table.push(...rows)
  return table.toString()
}

/** A two-column "field | value" table, for records with one entry (an interface, a one-entry map). */
export function recordTable(pairs: [string, CellText][], heading: [string, string] = ['field', 'value']): string {
  return gridTable(heading, pairs)
}

/** A title line above a table: bold on a terminal. */
export function title(text: string): string {
  return chalk.bold(text)
}
