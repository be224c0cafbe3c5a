// `npm run fuzz`: the long mode of the fuzz and lifetime suite. Runs
// FUZZ_BATCHES batches (default 16) of FUZZ_RUNS scenarios (default 3000),
// alternating the libuv and the reactor-thread poller, two child processes
// at a time, each killed if it outlives FUZZ_TIMEOUT seconds (a hang).
// Prints every seed; a failure prints its counterexample and the command
// that replays it. Build first (`npm run build`).
'use strict'
const { execFile } = require('node:child_process')
const { join } = require('node:path')

const batch = join(__dirname, '..', '__test__', 'fixtures', 'fuzz-batch.js')
const batches = Number(process.env.FUZZ_BATCHES ?? 16)
const runs = Number(process.env.FUZZ_RUNS ?? 3000)
const timeout = Number(process.env.FUZZ_TIMEOUT ?? 120) * 1000
const base = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))

function one(i) {
  const seed = (base + i) | 0
  const poller = i % 2 === 0 ? 'uv' : 'thread'
  const started = Date.now()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--expose-gc', batch, String(seed), String(runs)],
      {
        timeout,
        killSignal: 'SIGKILL',
        env: { ...process.env, PYSOCKET_LOOP_POLLER: poller },
        maxBuffer: 1 << 24,
      },
      (error, stdout, stderr) => {
        const secs = ((Date.now() - started) / 1000).toFixed(1)
        if (error === null) {
          console.log(`ok    seed ${seed} ${poller} ${runs} runs ${secs}s`)
          resolve(true)
          return
        }
        const how = error.signal
          ? `killed by ${error.signal} (crash or hang)`
          : `exit ${error.code}`
        console.log(`FAIL  seed ${seed} ${poller}: ${how}\n${stdout}${stderr}`)
        console.log(
          `replay: PYSOCKET_LOOP_POLLER=${poller} node --expose-gc ${batch} ${seed} ${runs}`,
        )
        resolve(false)
      },
    )
  })
}

async function main() {
  console.log(`fuzz: ${batches} batches of ${runs} runs from seed ${base}`)
  let next = 0
  let failed = 0
  const worker = async () => {
    while (next < batches) if (!(await one(next++))) failed++
  }
  await Promise.all([worker(), worker()])
  console.log(failed === 0 ? 'fuzz: all batches passed' : `fuzz: ${failed} batches failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

main()
