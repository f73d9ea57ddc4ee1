/**
 * A harness owner that dies without cleaning up: builds a stand-in cluster named argv[2], prints
 * "ready" and waits to be killed, as `raftctl cluster up` would if it crashed (harness test).
 */
import {join} from 'node:path'
import {Cluster} from '../../src/cluster/cluster.js'

const cluster = await Cluster.create({nodes: 2, name: process.argv[2], command: [process.execPath, join(import.meta.dirname, 'stand-in.js')]})
cluster.start()
// wait until they hear each other: later events would hit the dead owner's pipe and end them (EPIPE)
await cluster.waitFor('both stand-ins to hear each other', () => cluster.log.filter((e) => e.line?.kind === 'peer-heard').length === 2, 10_000)
process.stdout.write('ready\n')
setInterval(() => undefined, 1000)
