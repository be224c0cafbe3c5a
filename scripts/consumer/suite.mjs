// The consumer suite from ESM: the namespace import and named imports.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as socket from 'pysocket'
import { socketpair, loop, AF_INET } from 'pysocket'

assert.equal(socketpair, socket.socketpair)
assert.equal(loop, socket.loop)
assert.equal(AF_INET, socket.AF_INET)
const { run } = createRequire(import.meta.url)('./checks.cjs')
run(socket, new URL('./peer.cjs', import.meta.url))
