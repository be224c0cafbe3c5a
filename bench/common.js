'use strict'
// Helpers shared by the suites in bench/suites/: the Rust baseline binary
// (peers and baseline clients), child processes that print one JSON line,
// medians and markdown tables. See bench/run.js for the suite contract.
const { execFileSync, spawn, spawnSync } = require('node:child_process')
const path = require('node:path')
const fs = require('node:fs')
const readline = require('node:readline')

const ROOT = path.resolve(__dirname, '..')

/** Rounds per suite (contenders are interleaved inside each round). */
const ROUNDS = Number(process.env.PYSOCKET_BENCH_ROUNDS || 7)

/**
 * The CPython to compare with: $PYTHON, else the reference interpreter of
 * the differential tests (CPython 3.13, found by __test__/helpers/python),
 * else `python3`. bench/run.js names its version in the header.
 */
const PYTHON = process.env.PYTHON || reference() || 'python3'

function reference() {
  try {
    return require('../__test__/helpers/python').python3()
  } catch {
    return null // no 3.13 here (or the tests are not built): plain python3
  }
}

/** `3.13.0`: the version of PYTHON, or null when it does not run. */
function pythonVersion() {
  try {
    return execFileSync(PYTHON, ['-c', 'import platform; print(platform.python_version())'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return null
  }
}

/** Path of the `pysocket-baseline` binary, built on first use (no network). */
function baseline() {
  if (process.env.PYSOCKET_BASELINE && fs.existsSync(process.env.PYSOCKET_BASELINE)) {
    return process.env.PYSOCKET_BASELINE
  }
  execFileSync('cargo', ['build', '--release', '--offline', '-q', '-p', 'pysocket-baseline'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
  const exe = path.join(
    targetDir,
    'release',
    'pysocket-baseline' + (process.platform === 'win32' ? '.exe' : ''),
  )
  process.env.PYSOCKET_BASELINE = exe
  return exe
}

/**
 * Starts a long-lived peer that prints its port on its first stdout line.
 * Resolves to `{ port, stop() }`.
 */
function startPeer(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = readline.createInterface({ input: child.stdout })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code} before listening`)))
    lines.once('line', (line) => {
      child.removeAllListeners('exit')
      resolve({
        port: Number(line.trim()),
        stop() {
          lines.close()
          child.kill()
        },
      })
    })
  })
}

/** Runs a client to completion and returns the JSON of its last stdout line. */
function runClient(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`)
  const last = r.stdout.trim().split('\n').pop()
  return JSON.parse(last)
}

/** True if `cmd --version` runs. */
function available(cmd) {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' })
  return !r.error && r.status === 0
}

/**
 * A client run's typical speed: microseconds per round trip of its median
 * batch (`batches`), or GiB/s of its median segment (`segments`). The median
 * inside a run drops the moments when another process had the CPU; the
 * suites then take the median over rounds.
 */
function usPerRoundTrip(r) {
  return median(r.batches) / r.batch / 1000
}

function gibPerSecond(r) {
  return r.segment / 2 ** 30 / (median(r.segments) / 1e9)
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * The median over rounds of each round's ratio to the baseline's run of the
 * same round: a paired comparison, so that load that comes and goes on a
 * shared machine hits both sides of each ratio alike.
 */
function pairedRatio(samples, base) {
  return median(samples.map((x, i) => x / base[i]))
}

/** A markdown table from a header row and rows of cells. */
function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String))
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)))
  const line = (r) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
  const rule = '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |'
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n')
}

/** Rotates the contender order by round so that no one always runs first. */
function rotate(list, round) {
  const k = round % list.length
  return [...list.slice(k), ...list.slice(0, k)]
}

/** Node's own executable, for node clients. */
const NODE = process.execPath

module.exports = {
  ROOT,
  ROUNDS,
  PYTHON,
  pythonVersion,
  NODE,
  baseline,
  startPeer,
  runClient,
  available,
  median,
  pairedRatio,
  usPerRoundTrip,
  gibPerSecond,
  table,
  rotate,
}
