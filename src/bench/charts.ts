/**
 * The SVG charts of `raftctl bench`, drawn by Observable Plot into a linkedom document so no
 * browser is needed. Each chart is one standalone SVG file: the title and legend are drawn here
 * around Plot's <svg>, because Plot puts its own title and ordinal legend into an HTML <figure>,
 * which a browser does not render when the file is opened as an image.
 */
import * as Plot from '@observablehq/plot'
import {parseHTML} from 'linkedom'
import {cdf, formatMs, summarize} from './stats.js'

/** One named set of samples, drawn in its own colour; names must be distinct. */
export interface ChartSeries {
  name: string
  samples: readonly number[]
}

/** A latency chart: samples are in `unit` (default "ms"). */
export interface LatencyChartOptions {
  title: string
  unit?: string
  series: readonly ChartSeries[]
}

/** A failover-time chart: samples are in milliseconds. */
export interface CdfChartOptions {
  title: string
  series: readonly ChartSeries[]
}

const SVG_NS = 'http://www.w3.org/2000/svg'
const WIDTH_PX = 720
const FONT = 'system-ui, sans-serif'
const FONT_PX = 12
/** Rough advance of one character at FONT_PX, to lay out labels without a layout engine. */
const CHAR_PX = 7

/**
 * Latency distributions side by side: one box plot per series (box from p25 to p75, a tick at the
 * median, whiskers to 1.5 IQR, dots beyond) on a log axis, as latencies of different dataplanes
 * differ by orders of magnitude. Each row is labelled by its series name and carries its p50 and
 * p99. Samples that a log axis cannot show (<= 0 or not finite) are left out, and the row says
 * how many; a series without samples says "no samples".
 */
export function latencyChart(opts: LatencyChartOptions): string {
  const unit = opts.unit ?? 'ms'
  const names = opts.series.map((s) => s.name)
  const rows = opts.series.map(({name, samples}) => {
    const shown = samples.filter((sample) => sample > 0 && Number.isFinite(sample))
    return {name, shown, left: samples.length - shown.length}
  })
  const points = rows.flatMap(({name, shown}) => shown.map((value) => ({name, value})))
  const notes = rows.map(({name, shown, left}) => {
    const s = summarize(shown)
    const text = s.count === 0 ? 'no samples' : `p50 ${formatIn(s.p50, unit)} · p99 ${formatIn(s.p99, unit)}`
    return {name, text: left > 0 ? `${text}\n${left} left out (≤ 0, NaN, ∞)` : text}
  })
  const marginLeftPx = labelMarginPx(names)
  const marginRightPx = 180
  const axis = logAxis(points.map((p) => p.value), WIDTH_PX - marginLeftPx - marginRightPx)
  const {document} = parseHTML('<!DOCTYPE html><html><body></body></html>')
  const plot = Plot.plot({
    document,
    width: WIDTH_PX,
    height: 60 + 48 * Math.max(rows.length, 1),
    marginLeft: marginLeftPx,
    marginRight: marginRightPx,
    style: {fontSize: `${FONT_PX}px`},
    x: axis ? {type: 'log', domain: axis.domain} : {axis: null},
    y: {domain: names, label: null},
    color: {domain: names},
    marks: [
      axis ? Plot.gridX(axis.minor, {strokeOpacity: 0.05}) : null,
      axis ? Plot.gridX(axis.labelled) : null,
      // An explicit text channel: a tickFormat function on a log scale goes through d3's log
      // tickFormat, which blanks the 5s.
      axis ? Plot.axisX(axis.labelled, {text: (d: number) => formatIn(d, unit), label: 'latency (log scale)'}) : null,
      Plot.boxX(points, {x: 'value', y: 'name', fill: 'name', fillOpacity: 0.8, r: 1.5}),
      Plot.text(notes, {y: 'name', text: 'text', frameAnchor: 'right', textAnchor: 'start', dx: 12}),
      rows.length === 0 ? Plot.text(['no samples'], {frameAnchor: 'middle'}) : null,
    ],
  })
  return standalone(document, opts.title, [], plot)
}

/**
 * Failover-time CDFs, one step line per series: at x ms, the fraction of failovers that took at
 * most x. The x axis starts at 0 so series are compared by absolute time. The legend gives each
 * series' count and median; NaN or infinite samples are left out.
 */
export function cdfChart(opts: CdfChartOptions): string {
  const names = opts.series.map((s) => s.name)
  const legend = opts.series.map(({name, samples}) => {
    const s = summarize(samples.filter(Number.isFinite))
    const text = s.count === 0 ? `${name} (no samples)` : `${name} (n=${s.count}, p50 ${formatMs(s.p50)})`
    return {name, drawn: s.count > 0, text}
  })
  // Each line starts at (min, 0) so the first step rises from the axis instead of floating at 1/n.
  const steps = opts.series.flatMap(({name, samples}) => {
    const points = cdf(samples.filter(Number.isFinite))
    if (points.length === 0) return []
    return [{name, value: points[0].value, fraction: 0}, ...points.map((p) => ({name, ...p}))]
  })
  const {document} = parseHTML('<!DOCTYPE html><html><body></body></html>')
  const plot = Plot.plot({
    document,
    width: WIDTH_PX,
    height: 360,
    marginLeft: 50,
    marginRight: 30,
    marginBottom: 40,
    style: {fontSize: `${FONT_PX}px`},
    x: steps.length > 0 ? {zero: true, nice: true, grid: true, label: 'failover time (ms)'} : {axis: null},
    y: {domain: [0, 1], grid: true, label: 'fraction of samples ≤ x'},
    color: {domain: names},
    marks: [
      Plot.ruleY([0]),
      Plot.line(steps, {x: 'value', y: 'fraction', stroke: 'name', curve: 'step-after', strokeWidth: 2}),
      steps.length === 0 ? Plot.text(['no samples'], {frameAnchor: 'middle'}) : null,
    ],
  })
  const color = plot.scale('color')
  const swatches = legend.map(({name, drawn, text}) => ({text, drawn, color: String(color?.apply(name))}))
  return standalone(document, opts.title, swatches, plot)
}

/** A value in `unit` with three significant digits; milliseconds switch unit as they grow or shrink. */
function formatIn(value: number, unit: string): string {
  return unit === 'ms' ? formatMs(value) : `${Number(value.toPrecision(3))} ${unit}`
}

/** Where a log axis starts and ends, and where its labelled and faint grid lines go. */
interface LogAxis {
  domain: [number, number]
  labelled: number[]
  minor: number[]
}

/**
 * A log axis over whole decades with our own tick labels: Plot's default labels use SI prefixes
 * ("20m" for 0.02 ms) that read as minutes. Ticks at 1, 2 and 5 per decade when a decade is wide
 * enough for three labels, else at every decade (or every k-th) so labels never overlap; faint
 * lines at 1..9 keep the log scale readable. Undefined when there is nothing to show.
 */
function logAxis(values: readonly number[], widthPx: number): LogAxis | undefined {
  if (values.length === 0) return undefined
  // reduce, not Math.min(...values): spreading a large run of samples overflows the stack.
  const lo = Math.floor(Math.log10(values.reduce((a, b) => Math.min(a, b))))
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(values.reduce((a, b) => Math.max(a, b)))))
  const decadePx = widthPx / (hi - lo)
  const every = Math.max(1, Math.ceil(60 / decadePx))
  const labelled: number[] = []
  const minor: number[] = []
  for (let k = lo; k <= hi; k++) {
    for (let m = 1; m <= 9; m++) {
      const value = m * 10 ** k
      if (value > 10 ** hi) break
      minor.push(value)
      if (m === 1 ? (k - lo) % every === 0 : decadePx >= 150 && (m === 2 || m === 5)) labelled.push(value)
    }
  }
  return {domain: [10 ** lo, 10 ** hi], labelled, minor}
}

/** Room for the longest series name left of the rows. */
function labelMarginPx(names: readonly string[]): number {
  return Math.max(40, ...names.map((name) => name.length * CHAR_PX + 16))
}

/** One legend entry; `drawn` is false for a series that has no line to point at. */
interface Swatch {
  text: string
  drawn: boolean
  color: string
}

/**
 * Puts Plot's <svg> under a header with the title and legend swatches (wrapped onto more lines
 * when they do not fit; hollow for a series without a line), on a white background so the chart
 * reads in dark-mode viewers, in an outer <svg> with the xmlns a browser needs to render a file.
 * User text goes only into text nodes: linkedom escapes those for XML, but not `&` or `<` inside
 * attribute values.
 */
function standalone(document: Document, title: string, legend: Swatch[], plot: Element): string {
  const el = (tag: string, attrs: Record<string, string | number>, text?: string): Element => {
    const node = document.createElementNS(SVG_NS, tag)
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value))
    if (text !== undefined) node.textContent = text
    return node
  }
  const header = el('g', {'font-family': FONT, 'font-size': FONT_PX, fill: '#222'})
  header.append(el('text', {x: 12, y: 24, 'font-size': 16, 'font-weight': 'bold'}, title))
  let x = 12
  let y = 48
  for (const item of legend) {
    const itemPx = 18 + item.text.length * CHAR_PX + 16
    if (x > 12 && x + itemPx > WIDTH_PX) {
      x = 12
      y += 20
    }
    const paint: Record<string, string> = item.drawn ? {fill: item.color} : {fill: 'none', stroke: item.color}
    header.append(el('rect', {x, y: y - 10, width: 12, height: 12, rx: 2, ...paint}))
    header.append(el('text', {x: x + 18, y}, item.text))
    x += itemPx
  }
  const headerPx = legend.length > 0 ? y + 12 : 36
  const plotPx = Number(plot.getAttribute('height'))
  plot.setAttribute('y', String(headerPx))
  const svg = el('svg', {xmlns: SVG_NS, width: WIDTH_PX, height: headerPx + plotPx, viewBox: `0 0 ${WIDTH_PX} ${headerPx + plotPx}`})
  svg.append(el('rect', {width: '100%', height: '100%', fill: 'white'}), header, plot)
  return svg.outerHTML
}
