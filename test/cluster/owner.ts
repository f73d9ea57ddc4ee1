/**
 * A harness owner that dies without cleaning up: builds a stand-in cluster named argv[2], starts a
 * process in n1's namespace that is not tied to it (as one started there by hand), prints
 * "ready <node pids> / <untied pid>" and waits to be killed, as `raftctl cluster up` would if it
 * crashed (harness test).
 */
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {Cluster} from '../../src/cluster/cluster.js'
import {nsenterArgs} from '../../src/cluster/shell.js'

const cluster = await Cluster.create({nodes: 2, name: process.argv[2], command: [process.execPath, join(import.meta.dirname, 'stand-in.js')]})
cluster.start()
await cluster.waitFor('both stand-ins to hear each other', () => cluster.log.filter((e) => e.line?.kind === 'peer-heard').length === 2, 10_000)
const untied = spawn('nsenter', [...nsenterArgs(cluster.names.nodeNs(1)), 'sleep', '600'], {stdio: 'ignore', detached: true})
process.stdout.write(`ready ${cluster.nodes.map((n) => cluster.pid(n)).join(' ')} / ${untied.pid}\n`)
setInterval(() => undefined, 1000)
