/**
 * One attach or detach at a time per interface: two concurrent ones would each take the other's
 * fresh pins for leftovers. A lock file holds the owner's pid, so a lock left by a killed process
 * is recognised and taken over.
 */
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {RaftctlError} from '../../errors.js'

const LOCK_DIR = '/run/raftctl'
const WAIT_MS = 10_000

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function tryLock(path: string): number | undefined {
  try {
    writeFileSync(path, String(process.pid), {flag: 'wx'})
    return undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const owner = Number(readFileSync(path, 'utf8'))
  if (owner && alive(owner)) return owner
  rmSync(path, {force: true}) // left by a process that died holding it
  return tryLock(path)
}

/** Runs `work` holding the lock of the pin directory `pinRoot` (waiting up to 10 s for it). */
export async function withPinLock<T>(pinRoot: string, work: () => Promise<T> | T): Promise<T> {
  mkdirSync(LOCK_DIR, {recursive: true})
  const path = join(LOCK_DIR, `${pinRoot.replaceAll('/', '_')}.lock`)
  const deadline = Date.now() + WAIT_MS
  for (let owner = tryLock(path); owner !== undefined; owner = tryLock(path)) {
    if (Date.now() > deadline) {
      throw new RaftctlError(`another raftctl (pid ${owner}) is attaching or detaching ${pinRoot}; wait for it or stop it`)
    }
    await sleep(50)
  }
  try {
    return await work()
  } finally {
    rmSync(path, {force: true})
  }
}
