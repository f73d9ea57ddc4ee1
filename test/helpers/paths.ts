/**
 * Paths the binding tests need: the package root (found from here whether compiled to
 * dist/test/helpers or run from test/helpers under tsx), compiled fixtures and helper scripts.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** The directory holding raftctl's package.json. */
export const packageRoot: string = (() => {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'raftctl') return dir
  }
  throw new Error(`no raftctl package.json above ${here}`)
})()

/** The compiled object of test/fixtures/<name>.bpf.c, rebuilt through the Makefile when stale. */
export function fixtureObject(name: string): string {
  const target = `obj/fixtures/${name}.bpf.o`
  execFileSync('make', ['-s', '-C', packageRoot, target], {stdio: ['ignore', 'ignore', 'inherit']})
  return join(packageRoot, target)
}

/** A sibling helper script, as the JS file node can run (this directory holds the compiled helpers). */
export function helperScript(name: string): string {
  const compiled = join(here, `${name}.js`)
  if (existsSync(compiled)) return compiled
  throw new Error(`helper ${compiled} is missing; compile the tests with: make ts`)
}
