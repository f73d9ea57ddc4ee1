/**
 * Everything a bench run builds is removed also when the run is interrupted (Ctrl-C, SIGTERM):
 * clusters register here while they exist, and a signal destroys them before the process exits.
 * (stress-ng loads and node processes are killed by their own exit hooks.)
 */

/** A cluster of any kind. */
interface Destroyable {
  destroy(): Promise<unknown>
}

const alive = new Set<Destroyable>()

/** Creates a resource, keeps it registered while `body` runs, and always destroys it. */
export async function using<R extends Destroyable, T>(create: () => Promise<R>, body: (resource: R) => Promise<T>): Promise<T> {
  const resource = await create()
  alive.add(resource)
  try {
    return await body(resource)
  } finally {
    alive.delete(resource)
    await resource.destroy()
  }
}

/** On SIGINT or SIGTERM, destroys what is alive and exits with 128 + the signal's number; returns the uninstaller. */
export function destroyOnInterrupt(): () => void {
  let removing = false
  const onSignal = (signal: NodeJS.Signals) => {
    // a second Ctrl-C while removing must not cut the removal short
    process.stderr.write(removing ? `${signal}: still removing the benchmark's clusters\n` : `\n${signal}: removing the benchmark's clusters\n`)
    if (removing) return
    removing = true
    void Promise.allSettled([...alive].map((r) => r.destroy())).then(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
