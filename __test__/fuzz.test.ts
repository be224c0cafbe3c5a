// The bounded run of the fuzz and lifetime suite (`npm run fuzz` is the long
// one): batches of random scenarios (fixtures/fuzz-batch.ts), each batch in
// a child process, with both pollers. A failing batch reports its seed and
// counterexample; `FUZZ_SEED=n` replays one.
import test from 'ava'
import { join } from 'node:path'

import { runNode } from './helpers/child'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const BATCH = join(__dirname, 'fixtures', 'fuzz-batch.js')
const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const base = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))

for (const poller of ['uv', 'thread']) {
  for (let i = 0; i < 2; i++) {
    const seed = (base + i + (poller === 'uv' ? 0 : 1000)) | 0
    test(`fuzz batch, ${poller} poller, seed ${seed}`, async (t) => {
      t.log(
        `seed ${seed} (replay: node ${BATCH} ${seed} ${RUNS} with PYSOCKET_LOOP_POLLER=${poller})`,
      )
      const r = await runNode(['--expose-gc', BATCH, String(seed), String(RUNS)], 100000, {
        PYSOCKET_LOOP_POLLER: poller,
      })
      t.is(
        r.code,
        0,
        `seed ${seed}: ${r.signal !== null ? `killed by ${r.signal} (a crash or a hang)` : 'failed'}\n${r.stdout}\n${r.stderr}`,
      )
    })
  }
}
