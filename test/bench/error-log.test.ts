// A failed bench says what failed in one line and keeps the nodes' log lines in a file.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {shortenedError} from '../../src/bench/report.js'
import {RaftctlError} from '../../src/errors.js'

describe('shortenedError', () => {
  it('keeps the first line, writes the rest to bench-error.log and names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-error-'))
    try {
      const error = shortenedError(new Error('failover xdp: n2 exited by itself\n  1.2 n2 started\n  1.3 n2 boom'), join(dir, 'out'))
      const path = join(dir, 'out', 'bench-error.log')
      assert.equal(error.message, `failover xdp: n2 exited by itself (the last log lines are in ${path})`)
      assert.equal(readFileSync(path, 'utf8'), 'failover xdp: n2 exited by itself\n  1.2 n2 started\n  1.3 n2 boom\n')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('skips blank lines and keeps the exit code of the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-error-'))
    try {
      const error = shortenedError(new RaftctlError('\nno leader\n  n1 started\n', {exitCode: 3}), dir)
      assert.match(error.message, /^no leader \(the last log lines are in /)
      assert.equal((error as RaftctlError).exitCode, 3)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('leaves a one-line error as it is and writes nothing', () => {
    const original = new Error('stress-ng is not installed')
    assert.equal(shortenedError(original, '/nonexistent/out'), original)
  })
})
