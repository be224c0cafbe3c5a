'use strict'
// `npm run bench`: runs every suite in bench/suites/ and prints their tables.
//
// The suite contract (for anyone adding bench/suites/<name>.js):
// - A suite is a standalone CommonJS script, run as `node bench/suites/<name>.js`
//   from any directory, one after the other (never two at once: the machine
//   is small and shared).
// - It prints to stdout a markdown section: a `### title` line saying what is
//   measured and whether lower or higher is better, a blank line, then one
//   markdown table with, per contender, the MEDIAN over rounds and the RATIO
//   to the baseline (the same syscalls in Rust/C), and optionally a short
//   note line (the DESIGN.md target). Diagnostics go to stderr.
// - It runs the contenders interleaved (round 1: A B C, round 2: B C A, ...)
//   for PYSOCKET_BENCH_ROUNDS rounds (default 7; see common.js), each in its
//   own child process timing itself after a warm-up, so that start-up and
//   noise from other users of the machine do not decide the result.
// - It exits 0 on success and non-zero on failure; it must finish within a
//   minute or so. It uses loopback only.
// - bench/common.js has helpers: baseline() (the `pysocket-baseline` Rust
//   binary of crates/baseline, built offline on first use: echo/bulk peers
//   and baseline clients), startPeer(), runClient() (a child printing one
//   JSON line), median(), table(), rotate().
//
// Usage: node bench/run.js [name-filter ...]   (filters match suite file names)
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const os = require('node:os')
const { baseline, pythonVersion } = require('./common')

function main() {
  const dir = path.join(__dirname, 'suites')
  const filters = process.argv.slice(2)
  const suites = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort()
  // Build the baseline once, before any timing starts.
  process.env.PYSOCKET_BASELINE = baseline()
  const cpu = os.cpus()[0]
  console.log(
    `## pysocket benchmarks\n\n${os.type()} ${os.release()} ${os.arch()}, ` +
      `${os.cpus().length} × ${cpu ? cpu.model.trim() : 'cpu'}, Node ${process.version}, ` +
      `CPython ${pythonVersion() ?? '(not found)'}, ` +
      `${process.env.PYSOCKET_BENCH_ROUNDS || 7} rounds per suite\n`,
  )
  const failed = []
  for (const file of suites) {
    const t0 = Date.now()
    const r = spawnSync(process.execPath, [path.join(dir, file)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    })
    const secs = ((Date.now() - t0) / 1000).toFixed(1)
    if (r.status === 0) {
      console.log(r.stdout.trimEnd())
      console.log(`\n_${file}: ${secs} s_\n`)
    } else {
      failed.push(file)
      console.log(`### ${file}: FAILED (exit ${r.status ?? r.signal})\n`)
      if (r.stdout) console.log(r.stdout.trimEnd() + '\n')
    }
  }
  if (failed.length) {
    console.error(`failed suites: ${failed.join(', ')}`)
    process.exit(1)
  }
}

main()
