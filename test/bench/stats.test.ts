// Latency statistics with answers worked out by hand (R-7, as numpy.percentile computes them).
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {cdf, formatMs, formatRatio, percentile, ratio, summarize} from '../../src/bench/stats.js'

/** Floating-point interpolation (99 * 0.9 is 89.10000000000001) makes exact equality too strict. */
function assertNear(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} is not ${expected}`)
}

test('summarize: 1..100 interpolates between ranks (R-7)', () => {
  const s = summarize(Array.from({length: 100}, (_, i) => i + 1))
  assert.equal(s.count, 100)
  assert.equal(s.min, 1)
  assert.equal(s.max, 100)
  assertNear(s.mean, 50.5, 'mean')
  assertNear(s.p50, 50.5, 'p50')
  assertNear(s.p90, 90.1, 'p90')
  assertNear(s.p99, 99.01, 'p99')
})

test('summarize: [1, 2, 3, 4] gives numpy.percentile answers', () => {
  const s = summarize([1, 2, 3, 4])
  assertNear(s.p50, 2.5, 'p50')
  assertNear(s.p90, 3.7, 'p90')
  assertNear(s.p99, 3.97, 'p99')
  assertNear(s.mean, 2.5, 'mean')
})

test('summarize: unsorted input gives the sorted answer and is not reordered', () => {
  const samples = [4, 1, 3, 2]
  assert.deepEqual(summarize(samples), summarize([1, 2, 3, 4]))
  assert.deepEqual(samples, [4, 1, 3, 2])
})

test('summarize: one sample is every statistic', () => {
  assert.deepEqual(summarize([7.5]), {count: 1, min: 7.5, mean: 7.5, p50: 7.5, p90: 7.5, p99: 7.5, max: 7.5})
})

test('summarize: duplicates count as separate samples', () => {
  const s = summarize([2, 2, 2, 10])
  assert.equal(s.p50, 2)
  assertNear(s.p90, 7.6, 'p90')
  assert.equal(s.mean, 4)
})

test('summarize: no samples gives count 0 and NaN elsewhere', () => {
  assert.deepEqual(summarize([]), {count: 0, min: NaN, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN})
})

test('summarize: NaN or infinite samples are refused, naming the sample', () => {
  assert.throws(() => summarize([1, NaN]), /sample \[1\] is NaN/)
  assert.throws(() => summarize([Infinity]), /sample \[0\] is Infinity/)
})

test('percentile: takes a fraction of sorted samples', () => {
  const cases: Array<[number[], number, number]> = [
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 1, 4],
    [[10, 20], 0.5, 15],
    [[3], 0.99, 3],
  ]
  for (const [sorted, p, expected] of cases) assertNear(percentile(sorted, p), expected, `p=${p} of [${sorted}]`)
  assert.ok(Number.isNaN(percentile([], 0.5)))
})

test('percentile: refuses a percent for a fraction and unsorted samples', () => {
  assert.throws(() => percentile([1, 2], 99), /fraction in \[0, 1\] \(0.99 for p99\), got 99/)
  assert.throws(() => percentile([1, 2], NaN), /got NaN/)
  assert.throws(() => percentile([1, 3, 2], 0.5), /\[1\] = 3 is not <= \[2\] = 2/)
})

test('cdf: one step per sample, ascending, i/n', () => {
  assert.deepEqual(cdf([3, 1, 2]), [{value: 1, fraction: 1 / 3}, {value: 2, fraction: 2 / 3}, {value: 3, fraction: 1}])
  assert.deepEqual(cdf([5]), [{value: 5, fraction: 1}])
  assert.deepEqual(cdf([]), [])
})

test('cdf: a repeated value is one step at the rank of its last copy', () => {
  assert.deepEqual(cdf([2, 1, 2, 2]), [{value: 1, fraction: 0.25}, {value: 2, fraction: 1}])
  assert.deepEqual(cdf([4, 4]), [{value: 4, fraction: 1}])
})

test('ratio: a / b, undefined when it would mean nothing', () => {
  assertNear(ratio(72, 10) ?? NaN, 7.2, '72 / 10')
  assert.equal(ratio(0, 5), 0)
  assert.equal(ratio(1, 0), undefined)
  assert.equal(ratio(NaN, 1), undefined)
  assert.equal(ratio(1, NaN), undefined)
  assert.equal(ratio(Infinity, 1), undefined)
})

test('formatMs: three significant digits in the unit that fits', () => {
  const cases: Array<[number, string]> = [
    [0.038, '38 µs'],
    [0.0005, '500 ns'],
    [1.25, '1.25 ms'],
    [312, '312 ms'],
    [2100, '2.1 s'],
    [12.3456, '12.3 ms'],
    [-1.5, '-1.5 ms'],
    [NaN, '-'],
    [Infinity, '-'],
  ]
  for (const [ms, text] of cases) assert.equal(formatMs(ms), text, `${ms} ms`)
})

test('formatRatio: two significant digits and an x; "-" for no ratio', () => {
  const cases: Array<[number | undefined, string]> = [
    [7.2, '7.2x'],
    [7.2345, '7.2x'],
    [12.4, '12x'],
    [0.85, '0.85x'],
    [1, '1x'],
    [undefined, '-'],
    [NaN, '-'],
  ]
  for (const [r, text] of cases) assert.equal(formatRatio(r), text, `${r}`)
})
