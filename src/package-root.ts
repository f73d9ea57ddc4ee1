/** Locates files shipped with raftctl, whether running from dist/ (built) or src/ (tsx). */
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/** The directory holding raftctl's package.json. */
export function packageRoot(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'raftctl') return (cached = dir)
    dir = dirname(dir)
  }
  throw new Error('cannot find the raftctl package root (package.json) above ' + fileURLToPath(import.meta.url))
}
