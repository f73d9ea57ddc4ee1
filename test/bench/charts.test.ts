// Bench charts are standalone SVG files: well-formed XML a browser renders, with every series drawn and named.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {cdfChart, latencyChart} from '../../src/bench/charts.js'

const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);/i
const TAG = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="(?:[^"<&]|&(?:amp|lt|gt|quot|apos|#\d+);)*")*)\s*(\/?)>/y

/**
 * Fails unless `svg` is one well-formed element: tags nest and close, and no raw `<` or `&`
 * sits in text or attribute values (linkedom escapes neither in attributes). A browser shows
 * only an error page for an .svg file that breaks these rules.
 */
function assertWellFormed(svg: string): void {
  const open: string[] = []
  let i = 0
  while (i < svg.length) {
    if (svg[i] === '&') {
      assert.match(svg.slice(i, i + 10), ENTITY, `raw & at ${i}: ${svg.slice(i - 20, i + 20)}`)
      i++
    } else if (svg[i] === '<') {
      TAG.lastIndex = i
      const tag = TAG.exec(svg)
      assert.ok(tag, `malformed tag at ${i}: ${svg.slice(i, i + 60)}`)
      const [whole, closing, name, , selfClosing] = tag
      if (closing) assert.equal(open.pop(), name, `</${name}> at ${i} closes the wrong element`)
      else if (!selfClosing) open.push(name)
      i += whole.length
      if (open.length === 0) assert.equal(svg.slice(i).trim(), '', 'content after the root element')
    } else {
      i++
    }
  }
  assert.deepEqual(open, [], 'unclosed elements')
}

/** The checks every chart file must pass, whatever it shows. */
function assertStandalone(svg: string, title: string): void {
  assert.ok(svg.startsWith('<svg'), `starts with ${svg.slice(0, 20)}`)
  assert.match(svg, /^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  assertWellFormed(svg)
  assert.ok(svg.includes(`>${title}</text>`), 'title missing')
}

/** The elements Plot draws inside the <g aria-label="..."> of one mark. */
function markElements(svg: string, mark: string, element: string): number {
  const group = new RegExp(`<g[^>]* aria-label="${mark}"[^>]*>(.*?)</g>`).exec(svg)
  return group ? group[1].split(`<${element} `).length - 1 : 0
}

const SERIES = [
  {name: 'XDP', samples: [0.031, 0.035, 0.038, 0.04, 0.052, 0.09]},
  {name: 'userspace', samples: [0.21, 0.25, 0.27, 0.3, 0.41, 1.3]},
  {name: 'etcd', samples: [1.2, 1.8, 1.9, 2.2, 3.5, 7]},
]

test('latencyChart: one box per series on a log axis, labelled with units', () => {
  const svg = latencyChart({title: 'Heartbeat round trip', series: SERIES})
  assertStandalone(svg, 'Heartbeat round trip')
  for (const {name} of SERIES) assert.ok(svg.includes(`>${name}</text>`), `series ${name} not named`)
  assert.equal(markElements(svg, 'bar', 'rect'), SERIES.length, 'one box per series')
  assert.ok(markElements(svg, 'rule', 'line') + markElements(svg, 'rule', 'path') > 0, 'whiskers drawn')
  for (const tick of ['10 µs', '100 µs', '1 ms', '10 ms']) assert.ok(svg.includes(`>${tick}</text>`), `tick ${tick} missing`)
  assert.ok(svg.includes('>latency (log scale)'), 'x axis label missing')
  assert.ok(svg.includes('p50 39 µs'), 'XDP median not shown')
})

test('latencyChart: samples in another unit keep that unit on the axis', () => {
  const svg = latencyChart({title: 'in µs', unit: 'µs', series: [{name: 'XDP', samples: [31, 38, 52]}]})
  assertStandalone(svg, 'in µs')
  assert.ok(svg.includes('>10 µs</text>') && svg.includes('>100 µs</text>'), 'ticks not in µs')
  assert.ok(svg.includes('p50 38 µs'), 'median not in µs')
})

test('latencyChart: samples a log axis cannot show are left out and counted', () => {
  const svg = latencyChart({title: 't', series: [{name: 'a', samples: [0, -1, NaN, 2, 3]}]})
  assertStandalone(svg, 't')
  assert.ok(svg.includes('3 left out'), 'left-out samples not counted')
  assert.equal(markElements(svg, 'bar', 'rect'), 1)
})

test('latencyChart: no series or no samples still make a valid file that says so', () => {
  for (const series of [[], [{name: 'XDP', samples: []}], [{name: 'XDP', samples: [0]}]]) {
    const svg = latencyChart({title: 'empty', series})
    assertStandalone(svg, 'empty')
    assert.ok(svg.includes('>no samples<'), `no note for ${JSON.stringify(series)}`)
  }
})

test('latencyChart: a series without samples is named next to those with some', () => {
  const svg = latencyChart({title: 't', series: [...SERIES, {name: 'etcd-5', samples: []}]})
  assertStandalone(svg, 't')
  assert.ok(svg.includes('>etcd-5</text>') && svg.includes('>no samples</text>'))
  assert.equal(markElements(svg, 'bar', 'rect'), SERIES.length)
})

test('cdfChart: one step line per series, named in the legend with its median', () => {
  const svg = cdfChart({title: 'Failover time', series: [
    {name: 'XDP', samples: [180, 240, 210, 300]},
    {name: 'userspace', samples: [220, 260, 290]},
  ]})
  assertStandalone(svg, 'Failover time')
  assert.ok(svg.includes('>XDP (n=4, p50 225 ms)</text>'), 'XDP legend entry')
  assert.ok(svg.includes('>userspace (n=3, p50 260 ms)</text>'), 'userspace legend entry')
  assert.equal(markElements(svg, 'line', 'path'), 2, 'one line per series')
  const path = /<g[^>]* aria-label="line"[^>]*><path [^>]*d="M([^"]+)"/.exec(svg)?.[1] ?? ''
  const corners = path.split('L').map((point) => point.split(',').map(Number))
  assert.ok(corners.length > 2, `too few corners in ${path}`)
  for (let i = 1; i < corners.length; i++) {
    const [[x0, y0], [x1, y1]] = [corners[i - 1], corners[i]]
    assert.ok(x0 === x1 || y0 === y1, `segment ${i} of ${path} is not a step`)
  }
  assert.ok(svg.includes('>failover time (ms)') && svg.includes('fraction of samples ≤ x'), 'axis labels missing')
})

test('cdfChart: no series or no samples still make a valid file that says so', () => {
  for (const series of [[], [{name: 'XDP', samples: []}]]) {
    const svg = cdfChart({title: 'empty', series})
    assertStandalone(svg, 'empty')
    assert.ok(svg.includes('>no samples</text>'), `no note for ${JSON.stringify(series)}`)
  }
  assert.ok(cdfChart({title: 't', series: [{name: 'XDP', samples: []}]}).includes('>XDP (no samples)</text>'))
})

test('charts: markup in titles and names is escaped, not interpreted', () => {
  const odd = 'a & <b> "c"'
  const opts = {title: odd, series: [{name: odd, samples: [1]}]}
  for (const svg of [latencyChart(opts), cdfChart(opts)]) {
    assertWellFormed(svg)
    assert.ok(svg.includes('a &amp; &lt;b&gt; "c"'), 'not escaped')
    assert.ok(!svg.includes('<b>'), 'markup leaked')
  }
})
