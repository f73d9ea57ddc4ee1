/** The progress bar of `raftctl bench`, on stderr so stdout keeps the tables (or the JSON). */
import cliProgress from 'cli-progress'
import type {BenchProgress} from './runner.js'

/** A bar out of 100 with the current step; stop() removes nothing, it leaves the final line. */
export function progressBar(): {update: (p: BenchProgress) => void; stop: () => void} {
  const bar = new cliProgress.SingleBar({
    format: 'bench [{bar}] {percentage}% | {step}',
    stream: process.stderr,
    // in a pipe (CI) one line per step rather than a redrawn bar
    noTTYOutput: true,
    notTTYSchedule: 10_000,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic)
  bar.start(100, 0, {step: 'starting'})
  return {
    update: (p) => bar.update(Math.round(p.fraction * 100), {step: p.step}),
    stop: () => bar.stop(),
  }
}
