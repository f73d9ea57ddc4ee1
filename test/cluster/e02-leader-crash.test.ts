/** SCENARIOS.md E2: the leader crashes (crash-simulate, then a real kill -9) and the cluster fails over. */
import {describe, it} from 'node:test'
import {checkLeaderCrash, rounds, startCluster, started} from './scenario.js'
import type {Cluster} from '../../src/cluster/cluster.js'

describe('E2 leader crash', () => {
  let cluster: Cluster

  for (const how of ['crash-simulate', 'kill'] as const) {
    it(`${how}: a new leader in a higher term within 5 rounds; the old leader rejoins without changing it`, async (t) => {
      cluster ??= await startCluster({nodes: 3})
      await started(cluster)
      const {electedInMs} = await checkLeaderCrash(cluster, how)
      t.diagnostic(`new leader after ${rounds(cluster, electedInMs)}`)
      cluster.observer.assertSafe()
    })
  }
})
