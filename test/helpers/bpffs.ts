/** A private directory on bpffs per test file, removed with everything pinned in it. */
import {mkdirSync, rmSync} from 'node:fs'

/** Creates /sys/fs/bpf/raftctl-bpf-test-<tag>-<pid>-<random>. */
export function makePinDir(tag: string): string {
  const dir = `/sys/fs/bpf/raftctl-bpf-test-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  mkdirSync(dir, {recursive: true})
  return dir
}

/** Removes the directory and its pins (unlinking a pin drops only the pin, not a live object). */
export function removePinDir(dir: string): void {
  rmSync(dir, {recursive: true, force: true})
}
