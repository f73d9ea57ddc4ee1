/**
 * How raftctl shows values to people: durations, kernel timestamps and JSON-safe data. The
 * monotonic clock of `process.hrtime.bigint()` is the kernel's CLOCK_MONOTONIC, the clock of
 * bpf_ktime_get_ns(), so map timestamps can be shown relative to now.
 */

const UNITS: [string, number][] = [['ns', 1], ['µs', 1e3], ['ms', 1e6], ['s', 1e9], ['min', 60e9], ['h', 3600e9], ['d', 86400e9]]
/** Where each unit stops being the right one: 1000 of the small ones, 120 s and 120 min, then days. */
const LIMITS = [1e3, 1e6, 1e9, 120e9, 7200e9, 86400e9 * 2, Number.POSITIVE_INFINITY]

/** A duration in nanoseconds as three significant digits and a unit: "1.24 ms", "120 ms", "35 ns". */
export function formatDurationNs(ns: bigint | number): string {
  const value = Math.abs(Number(ns))
  const index = LIMITS.findIndex((limit) => value < limit)
  const [unit, scale] = UNITS[index]
  return `${Number((value / scale).toPrecision(3))} ${unit}`
}

/** A bpf_ktime_get_ns() stamp relative to now: "120 ms ago", "never" for 0. */
export function formatKtimeNs(ktimeNs: bigint, nowNs: bigint = process.hrtime.bigint()): string {
  if (ktimeNs === 0n) return 'never'
  const delta = nowNs - ktimeNs
  return delta >= 0n ? `${formatDurationNs(delta)} ago` : `in ${formatDurationNs(-delta)}`
}

/** Recursively replaces bigints by their decimal strings, as JSON.stringify throws on BigInt. */
export type JsonSafe<T> = T extends bigint
  ? string
  : T extends (infer E)[]
    ? JsonSafe<E>[]
    : T extends object
      ? {[K in keyof T]: JsonSafe<T[K]>}
      : T

/** A copy of `value` that JSON.stringify accepts: bigints become strings, Buffers hex. */
export function jsonSafe<T>(value: T): JsonSafe<T> {
  if (typeof value === 'bigint') return value.toString() as JsonSafe<T>
  if (Buffer.isBuffer(value)) return value.toString('hex') as JsonSafe<T>
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v)) as JsonSafe<T>
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)])) as JsonSafe<T>
  }
  return value as JsonSafe<T>
}

/** Parses "1s", "250ms", "2m" or a bare number of seconds into milliseconds; undefined if malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/.exec(text.trim())
  if (!match) return undefined
  const scale = {ms: 1, s: 1000, m: 60_000, min: 60_000}[match[2] ?? 's'] ?? 1000
  return Number(match[1]) * scale
}
