/**
 * `crash-simulate --api`: asks a running node to crash (POST /crash), then polls its GET /state
 * until it is back and knows a leader again. The node learns the leader from heartbeats after it
 * rejoins, so the leader it reports is the cluster's leader after the failover.
 */
import http from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'
import {RaftctlError} from '../errors.js'
import type {NodeStateView} from '../node/control.js'
import {describeBefore, describeNewLeader, ms, type CrashOutcome, type NodeSnapshot} from './crash-outcome.js'

/** How a crash through the API is run and watched. */
export interface ApiCrashOptions {
  forMs: number
  /** Between two GET /state, ms. */
  pollMs?: number
  /** How long the rejoined node may take to report a leader, ms. */
  leaderTimeoutMs?: number
  /** Each step as it happens, for people. */
  onStep?: (line: string) => void
}

/** One request may take this long before the node is taken for hung. */
const REQUEST_TIMEOUT_MS = 5000

/** One HTTP exchange; node:http rather than fetch, which refuses "bad ports" such as 6000. */
function exchange(url: URL, method: string, body?: string): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}
    const request = http.request(url, {method, headers, timeout: REQUEST_TIMEOUT_MS}, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
      response.on('end', () => resolve({status: response.statusCode ?? 0, text})).on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)))
    request.on('error', reject)
    request.end(body)
  })
}

/** Sends one request to the API and returns its JSON; every failure is one RaftctlError line. */
async function call<T>(api: URL, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let answer: {status: number; text: string}
  try {
    answer = await exchange(new URL(`${api.pathname.replace(/\/$/, '')}${path}`, api), method,
      body === undefined ? undefined : JSON.stringify(body))
  } catch (error) {
    const e = error as NodeJS.ErrnoException & {errors?: NodeJS.ErrnoException[]}
    throw new RaftctlError(`cannot reach the raftctl API at ${api.origin}: ${e.code ?? e.errors?.[0]?.code ?? e.message}; ` +
      `is \`raftctl run --api ${api.host}\` running?`, {cause: error})
  }
  const {status, text} = answer
  if (status < 200 || status > 299) {
    const reason = (() => { try { return (JSON.parse(text) as {error?: string}).error } catch { return undefined } })()
    throw new RaftctlError(`${method} ${path} on the raftctl API at ${api.origin} failed with ${status}: ${reason ?? text.trim()}`)
  }
  try {
    return JSON.parse(text) as T
  } catch (error) {
    throw new RaftctlError(`${method} ${path} on ${api.origin} answered something that is not JSON; is it a raftctl API?`, {cause: error})
  }
}

function snapshot(s: NodeStateView): NodeSnapshot {
  return {nodeId: s.nodeId, role: s.role, term: String(s.term), leaderId: s.leaderId, leaderAddr: s.leaderAddr}
}

/**
 * Whether the rejoined node knows the cluster's leader: any leader but a stale "itself", and for
 * a crashed leader one of a later term (it came back a follower, so its own term has ended).
 */
function knowsLeader(before: NodeSnapshot, now: NodeStateView): boolean {
  if (now.crashed || now.leaderId === 0 || (now.leaderId === now.nodeId && now.role !== 'leader')) return false
  return before.role !== 'leader' || BigInt(now.term) > BigInt(before.term)
}

/** Crashes the node behind `api` for `forMs` and reports the failover it saw. */
export async function crashViaApi(api: URL, options: ApiCrashOptions): Promise<CrashOutcome> {
  const {forMs, pollMs = 25, leaderTimeoutMs = 10_000, onStep = () => {}} = options
  const state = () => call<NodeStateView>(api, 'GET', '/state')
  const before = snapshot(await state())
  const startedAt = performance.now()
  const elapsed = () => performance.now() - startedAt
  await call(api, 'POST', '/crash', {for_ms: forMs})
  onStep(`${describeBefore(before)}; crashing it for ${ms(forMs)}`)

  let now = await state()
  let seenCrashed = now.crashed
  // Back once it was seen crashed (or the crash has surely begun and ended) and is not any more.
  while (now.crashed || (!seenCrashed && elapsed() < forMs)) {
    if (elapsed() > forMs + leaderTimeoutMs) {
      throw new RaftctlError(`n${before.nodeId} still reports crashed ${ms(elapsed())} into a ${ms(forMs)} crash; check its log`)
    }
    await sleep(pollMs)
    now = await state()
    seenCrashed ||= now.crashed
  }
  const rejoinedAfterMs = elapsed()
  onStep(`n${now.nodeId} rejoined as a ${now.role} in term ${now.term} after ${ms(rejoinedAfterMs)}`)

  while (!knowsLeader(before, now)) {
    if (elapsed() - rejoinedAfterMs > leaderTimeoutMs) {
      throw new RaftctlError(`n${now.nodeId} is back but has heard no leader within ${ms(leaderTimeoutMs)}; ` +
        'check that a majority of the --peers is up (raftctl status on each)')
    }
    await sleep(pollMs)
    now = await state()
  }
  const outcome: CrashOutcome = {via: 'api', target: api.origin, forMs, before, after: snapshot(now),
    rejoinedAfterMs: Math.round(rejoinedAfterMs), leaderKnownAfterMs: Math.round(elapsed())}
  onStep(describeNewLeader(outcome))
  return outcome
}
