/**
 * Ring-buffer consumption: records a BPF program submits arrive as Buffers on the JS thread,
 * read on a native thread so the event loop never blocks.
 */
import {BpfError, attempt} from './errors.js'
import type {BpfMap} from './map.js'
import {addon, type NativeRingBuffer} from './native.js'

/**
 * Delivers each record of a BPF_MAP_TYPE_RINGBUF map to `onRecord` (a copy, in submission order).
 * An open ring buffer does not keep the process alive, and is not collected before close(); one
 * left open when the process or worker ends is closed by the addon.
 * A read failure ends delivery and goes to `onError`, or is thrown as an uncaught exception.
 * An exception thrown by `onRecord` or `onError` is an uncaught exception too, as from any event
 * callback: it reaches process 'uncaughtException' listeners (the worker's 'error' event in a
 * worker thread), or ends the process. Delivery goes on if the process survives it.
 * Open one per map: a BPF ring buffer has a single consumer position, so several RingBuffers on
 * one map compete for its records rather than each seeing all of them.
 */
export class RingBuffer {
  // Open ring buffers stay reachable so garbage collection cannot stop their delivery.
  private static readonly open = new Set<RingBuffer>()
  private readonly native: NativeRingBuffer
  private readonly pendingFlushes: Array<() => void> = []
  private closed = false

  constructor(map: BpfMap, onRecord: (record: Buffer) => void, onError?: (error: BpfError) => void) {
    const name = map.name
    if (map.fd < 0) throw new Error(`open ring buffer ${name}: the map is closed`)
    this.native = attempt(`open ring buffer ${name}`, () => new addon.RingBuffer(map.fd, name, (record, failure, flushed) => {
      if (record) return onRecord(record)
      if (flushed) return this.flushed(flushed)
      const error = new BpfError(`read ring buffer ${name}`, failure!)
      this.close()
      if (!onError) throw error
      onError(error)
    }))
    RingBuffer.open.add(this)
  }

  /**
   * Resolves once every record submitted before this call has been passed to `onRecord`, e.g.
   * after a prog test-run, before looking at what it emitted. Resolves at once when closed.
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      // An awaited flush must keep the process alive until its answer arrives.
      if (this.pendingFlushes.length === 0) this.native.ref()
      this.pendingFlushes.push(resolve)
      this.native.flush()
    })
  }

  private flushed(count: number): void {
    for (const resolve of this.pendingFlushes.splice(0, count)) resolve()
    if (this.pendingFlushes.length === 0) this.native.unref()
  }

  /** Stops reading and joins the thread; records not yet delivered are dropped. Idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.native.close()
    RingBuffer.open.delete(this)
    for (const resolve of this.pendingFlushes.splice(0)) resolve()
  }
}
