/** Raw heartbeat round trips from the nodes of a cluster (GET /samples/heartbeat-rtt). */
import type {RttSamplesReply, RttSample} from '../api/routes/samples.js'
import type {Cluster} from '../cluster/cluster.js'

/** Takes node `n`'s samples since the last call; none when its API does not answer (killed, starting). */
export async function drainRtt(cluster: Cluster, n: number): Promise<RttSample[]> {
  if (cluster.pid(n) === undefined) return []
  try {
    const reply = await cluster.api(n, 'GET', '/samples/heartbeat-rtt', undefined, 2_000)
    return reply.status === 200 ? (reply.body as RttSamplesReply).samples : []
  } catch {
    return []
  }
}

/** Forgets every node's samples so far, so the next drain holds only what follows. */
export async function clearRtt(cluster: Cluster): Promise<void> {
  await Promise.all(cluster.nodes.map((n) => drainRtt(cluster, n)))
}
