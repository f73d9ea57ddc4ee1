/** SCENARIOS.md E1: initial election on 3 and 5 nodes (XDP dataplane), safety observed throughout. */
import {describe, it} from 'node:test'
import {checkInitialElection, rounds, startCluster, stopCluster} from './scenario.js'

describe('E1 initial election', () => {
  for (const nodes of [3, 5]) {
    it(`${nodes} nodes: one leader within 5 rounds, agreed term, unchanged over 20 idle rounds`, async (t) => {
      const cluster = await startCluster({nodes})
      const {leader, term, tookMs, sinceStartedLineMs} = await checkInitialElection(cluster)
      t.diagnostic(`n${leader} leader of term ${term}, agreed by all ${rounds(cluster, tookMs)} after every node answered its API ` +
        `(${Math.round(sinceStartedLineMs)} ms after the last "started" line)`)
      cluster.observer.assertSafe()
      await stopCluster(cluster)
    })
  }
})
