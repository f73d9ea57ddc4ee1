/**
 * The two sides of a conformance run, whatever the dataplane: the node under test (its NDJSON log
 * lines, start, kill -9, SIGTERM) and its two peers speaking the wire protocol (ids 2 and 3).
 */
import type {WireMessage} from '../../../src/dataplane/wire.js'

/** One NDJSON line of the node's log. */
export type LogLine = Record<string, unknown> & {kind: string; role: string; term: string; source: string; message: string}

/** A message a peer received from the node. */
export interface Received {
  /** 0 = n2, 1 = n3. */
  peer: number
  msg: WireMessage
  /** The receiving process's clock, ms. */
  atMs: number
}

/** A message to send: type and term, the rest defaulting to the peer's id, our cluster id, no flag, echo 0. */
export type Outgoing = Partial<WireMessage> & Pick<WireMessage, 'type' | 'term'>

/** The node's two peers. */
export interface PeerSide {
  send(peer: number, msg: Outgoing): void
  /** Answer the node's Heartbeats with successful acks (a live follower). */
  autoAck(peer: number, on: boolean): Promise<void>
  received(): Received[]
  close(): Promise<void>
}

/** The node under test. */
export interface NodeSide {
  /** Lines of the current (latest started) process. */
  lines(): LogLine[]
  /** Starts the node; resolves on its 'started' line. */
  start(): Promise<void>
  /** kill -9: no cleanup at all. */
  kill(): Promise<void>
  /** SIGTERM (or a clean stop); resolves with the exit code. */
  stop(): Promise<number | null>
}

/** A dataplane under test with its peers; cleanup() removes everything, also after a failure. */
export interface Target {
  name: string
  node: NodeSide
  peers: PeerSide
  cleanup(): Promise<void>
}
