/** SCENARIOS.md E7: mixed dataplanes (2 xdp + 1 userspace, and the reverse) pass E1 and E2. */
import {describe, it} from 'node:test'
import type {DataplaneKind} from '../../src/cluster/cluster.js'
import {checkInitialElection, checkLeaderCrash, rounds, startCluster, stopCluster} from './scenario.js'

const MIXES: DataplaneKind[][] = [['xdp', 'xdp', 'userspace'], ['userspace', 'userspace', 'xdp']]

describe('E7 mixed dataplanes', () => {
  for (const mix of MIXES) {
    it(`${mix.join(' + ')}: E1, then E2 with crash-simulate and kill -9`, async (t) => {
      const cluster = await startCluster({nodes: 3, dataplane: mix})
      const first = await checkInitialElection(cluster)
      t.diagnostic(`E1: n${first.leader} (${mix[first.leader - 1]}) after ${rounds(cluster, first.tookMs)}`)
      for (const how of ['crash-simulate', 'kill'] as const) {
        const {electedInMs} = await checkLeaderCrash(cluster, how)
        t.diagnostic(`E2 ${how}: new leader n${cluster.currentLeader()?.leader} after ${rounds(cluster, electedInMs)}`)
      }
      cluster.observer.assertSafe()
      await stopCluster(cluster)
    })
  }
})
