/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), written here rather
 * than borrowed from prom-client so that the server's output is checked by an independent reader.
 * It throws on any line the format does not allow.
 */

/** One sample line: metric name, labels and value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** One metric family: its TYPE, HELP and samples. */
export interface Family {
  type: string
  help: string
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`)
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (\\S+)(?: -?\\d+)?$`)
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g
const SUFFIXES: Record<string, string[]> = {histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count']}

function number(text: string, line: string): number {
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : text === 'NaN' ? NaN : Number(text)
  if (Number.isNaN(value) && text !== 'NaN') throw new Error(`bad value in: ${line}`)
  return value
}

/** Parses an exposition; every sample must belong to a family declared by a TYPE line before it. */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline')
  const families = new Map<string, Family>()
  const typed = new Set<string>()
  const familyOf = (name: string) => {
    for (const [family, f] of families) {
      if (!typed.has(family)) continue
      if ((SUFFIXES[f.type] ?? ['']).some((suffix) => family + suffix === name)) return f
    }
    throw new Error(`sample ${name} has no TYPE line before it`)
  }
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null
    if (line === '') continue
    if ((m = TYPE.exec(line))) {
      if (typed.has(m[1])) throw new Error(`second TYPE for ${m[1]}`)
      typed.add(m[1])
      families.set(m[1], {type: m[2], help: families.get(m[1])?.help ?? '', samples: []})
    } else if ((m = HELP.exec(line))) {
      const family = families.get(m[1]) ?? {type: 'untyped', help: '', samples: []}
      families.set(m[1], {...family, help: m[2]})
    } else if ((m = SAMPLE.exec(line))) {
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1], l[2]]))
      familyOf(m[1]).samples.push({name: m[1], labels, value: number(m[3], line)})
    } else {
      throw new Error(`not a line of the exposition format: ${JSON.stringify(line)}`)
    }
  }
  return families
}

/** The value of one sample of a family, by name suffix and labels; throws if absent. */
export function sampleValue(families: Map<string, Family>, family: string, labels: Record<string, string> = {}, suffix = ''): number {
  const sample = families.get(family)?.samples.find((s) => s.name === family + suffix &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (!sample) throw new Error(`no sample ${family}${suffix} ${JSON.stringify(labels)}`)
  return sample.value
}
