/**
 * A separate process for the binding tests: runs the operations given as JSON in argv[2] through
 * src/bpf, one after another, and prints one JSON array of outcomes ({ok} or {error}) on stdout.
 * Tests run it to act from "another process", and under nsenter to act in another network
 * namespace (the test process itself cannot change namespace).
 */
import {
  BpfMap,
  BpfObject,
  BpfProgram,
  RingBuffer,
  attachXdp,
  decode,
  detachXdp,
  encode,
  interfaceIndex,
  queryXdp,
  type Encodable,
  type XdpMode,
} from '../../src/bpf/index.js'

/** One operation the driver can run. */
export type DriverOp =
  | {op: 'attach'; iface: string; programPin: string; mode: XdpMode; force?: boolean}
  | {op: 'detach'; iface: string; expectedProgramId?: number}
  | {op: 'query'; iface: string}
  | {op: 'testRun'; programPin: string; frame: string; iface: string}
  | {op: 'readMap'; mapPin: string; key: string}
  | {op: 'writeMap'; mapPin: string; key: string; value: Encodable}
  | {op: 'watchRingBuffer'; object: string; program: string; frame: string}

/** What one operation produced: its result, or the error it threw. */
export type DriverOutcome =
  | {ok: unknown}
  | {error: {name: string; message: string; code?: string; errno?: number; op?: string; target?: string; log?: string[]}}

function withMap<T>(pin: string, use: (map: BpfMap) => T): T {
  const map = BpfMap.openPinned(pin)
  try {
    return use(map)
  } finally {
    map.close()
  }
}

async function run(step: DriverOp): Promise<unknown> {
  switch (step.op) {
    case 'attach': {
      const program = BpfProgram.openPinned(step.programPin)
      try {
        attachXdp(step.iface, program, {mode: step.mode, force: step.force})
        return program.id
      } finally {
        program.close()
      }
    }
    case 'detach':
      return detachXdp(step.iface, {expectedProgramId: step.expectedProgramId})
    case 'query':
      return queryXdp(step.iface)
    case 'testRun': {
      const program = BpfProgram.openPinned(step.programPin)
      try {
        const ifindex = interfaceIndex(step.iface)
        const {retval, data} = await program.testRun(Buffer.from(step.frame, 'hex'), {ingressIfindex: ifindex})
        return {ifindex, retval, data: data.toString('hex')}
      } finally {
        program.close()
      }
    }
    case 'readMap':
      return withMap(step.mapPin, (map) => {
        const value = map.lookup(Buffer.from(step.key, 'hex'))
        return value && decode(map.valueLayout!, value)
      })
    case 'writeMap':
      return withMap(step.mapPin, (map) => map.update(Buffer.from(step.key, 'hex'), encode(map.valueLayout!, step.value)))
    case 'watchRingBuffer': {
      // Deliberately left open: the process must still exit on its own (the poller is unref'd).
      const object = await BpfObject.load(step.object)
      const records: Buffer[] = []
      new RingBuffer(object.map('fx_events'), (record) => records.push(record))
      await object.program(step.program).testRun(Buffer.from(step.frame, 'hex'))
      while (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
      return records.length
    }
  }
}

const outcomes: DriverOutcome[] = []
for (const step of JSON.parse(process.argv[2]) as DriverOp[]) {
  try {
    outcomes.push({ok: (await run(step)) ?? null})
  } catch (error) {
    const {name, message, code, errno, op, target, log} = error as Error & Record<string, never>
    outcomes.push({error: {name, message, code, errno, op, target, log}})
  }
}
process.stdout.write(JSON.stringify(outcomes, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)) + '\n')
