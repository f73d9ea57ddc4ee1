/** Runs test/helpers/teardown-child scenarios and checks how the process ended. */
import assert from 'node:assert/strict'
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {fixtureObject, helperScript} from './paths.js'
import type {TeardownScenario} from './teardown-child.js'

export type {TeardownScenario}

/**
 * Runs `scenario` with the binding fixture in a fresh node process (an abort there must not take
 * the test runner down), under an RLIMIT_NOFILE of `fdLimit` when given.
 */
export function runChild(scenario: TeardownScenario, opts: {fdLimit?: number} = {}): SpawnSyncReturns<string> {
  const node = [process.execPath, helperScript('teardown-child'), scenario, fixtureObject('binding')]
  // ulimit sets the hard limit too, so node cannot raise the soft one back at startup.
  const [command, ...args] = opts.fdLimit ? ['sh', '-c', `ulimit -n ${opts.fdLimit} && exec "$@"`, 'sh', ...node] : node
  return spawnSync(command, args, {encoding: 'utf8', timeout: 60_000})
}

/** Asserts the child ran its scenario and exited normally (an abort shows as SIGABRT). */
export function assertCleanExit(child: SpawnSyncReturns<string>): void {
  assert.equal(child.error, undefined, `the process could not run to the end: ${child.error?.message}`)
  assert.equal(child.signal, null, `the process died of ${child.signal}: ${child.stderr}`)
  assert.equal(child.status, 0, `the process exited with ${child.status}: ${child.stderr}`)
  assert.match(child.stdout, /^done$/m)
}
