// The probe that picks socket.loop's readiness mechanism: Node's loop is a
// libuv loop on the main thread and in every Worker (Bun and Deno, where it
// is not, are covered by `npm run test:pack`).
import test from 'ava'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { checkFdLeaks } from './helpers/fds'
import native = require('../lib/native')

checkFdLeaks(test)

test('Node’s loop is recognised as libuv’s on the main thread', (t) => {
  t.true(native.Poller.probe())
})

test('and in a Worker, on the Worker’s own loop', async (t) => {
  const w = new Worker(
    `const native = require(${JSON.stringify(require.resolve('../lib/native'))})
     require('node:worker_threads').parentPort.postMessage(native.Poller.probe())`,
    { eval: true },
  )
  // Both listeners before either event: a Worker that exits at once may
  // deliver its last message and 'exit' in the same turn of the loop.
  const exited = once(w, 'exit')
  const [seen] = await once(w, 'message')
  await exited
  t.true(seen)
})

test('probing opens nothing that stays open', (t) => {
  for (let i = 0; i < 100; i++) native.Poller.probe()
  t.pass()
})
