/**
 * Statistics over the latency samples `raftctl bench` collects. Percentiles are the R-7
 * definition (linear interpolation between the two closest ranks, as d3-array's quantileSorted,
 * numpy's default and spreadsheets' PERCENTILE.INC compute them), so a reader who recomputes a
 * number from the raw samples in a notebook gets the same answer.
 */
import {quantileSorted} from 'd3-array'
import {formatDurationNs} from '../render/format.js'

/** Count, extremes, mean and the percentiles bench reports, in the samples' unit; with no samples, count 0, the rest NaN. */
export interface Summary {
  count: number
  min: number
  mean: number
  p50: number
  p90: number
  p99: number
  max: number
}

/** One step of an empirical CDF: `fraction` of the samples are <= `value`. */
export interface CdfPoint {
  value: number
  fraction: number
}

/** Summarizes samples in any order; an empty input gives count 0 and NaN elsewhere, as there is no honest number to show. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = sortSamples(samples, 'summarize')
  const count = sorted.length
  if (count === 0) return {count, min: NaN, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN}
  const sum = sorted.reduce((total, sample) => total + sample, 0)
  return {
    count,
    min: sorted[0],
    mean: sum / count,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[count - 1],
  }
}

/**
 * The R-7 percentile of ascending samples, `p` a fraction in [0, 1] (0.99 for p99); NaN when
 * there are no samples. Throws on unsorted input or a `p` outside [0, 1] (such as 99), since
 * either would silently give a wrong number.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be a fraction in [0, 1] (0.99 for p99), got ${p}`)
  const unsorted = sorted.findIndex((sample, i) => i > 0 && !(sorted[i - 1] <= sample))
  if (unsorted > 0) {
    const pair = `[${unsorted - 1}] = ${sorted[unsorted - 1]} is not <= [${unsorted}] = ${sorted[unsorted]}`
    throw new RangeError(`percentile: samples must be sorted ascending, but ${pair}; sort them or call summarize()`)
  }
  // quantileSorted only reads; @types/d3-array asks for a mutable array all the same.
  return quantileSorted(sorted as number[], p) ?? NaN
}

/**
 * The empirical CDF of samples in any order: one point per distinct value, ascending, with the
 * fraction of samples <= that value (i/n for the i-th smallest when values are distinct). A
 * repeated value gets one point, at the rank of its last copy, so every point is a true F(x).
 */
export function cdf(samples: readonly number[]): CdfPoint[] {
  const sorted = sortSamples(samples, 'cdf')
  const points: CdfPoint[] = []
  sorted.forEach((value, i) => {
    if (sorted[i + 1] !== value) points.push({value, fraction: (i + 1) / sorted.length})
  })
  return points
}

/** a / b, or undefined when b is 0 or either is not finite, so a missing measurement never reads as a speed-up. */
export function ratio(a: number, b: number): number | undefined {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined
  return a / b
}

/** A latency in milliseconds for people, three significant digits: "38 µs", "1.25 ms", "312 ms", "2.1 s"; "-" if not finite. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  const text = formatDurationNs(ms * 1e6)
  return ms < 0 ? `-${text}` : text
}

/** A ratio for people, two significant digits: "7.2x", "12x", "0.85x"; "-" when undefined or not finite. */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '-'
  return `${Number(r.toPrecision(2))}x`
}

/**
 * A sorted copy. NaN and infinities are rejected: NaN has no place in an order, and interpolating
 * towards Infinity gives NaN percentiles, so either would corrupt the numbers quietly.
 */
function sortSamples(samples: readonly number[], op: string): number[] {
  const bad = samples.findIndex((sample) => !Number.isFinite(sample))
  if (bad >= 0) throw new RangeError(`${op}: sample [${bad}] is ${samples[bad]}; drop failed or timed-out measurements first`)
  return [...samples].sort((a, b) => a - b)
}
