// The same tests with the reactor-thread fallback (what hosts without
// libuv get) instead of libuv poll handles. Child processes and Workers the
// tests start inherit the choice.
process.env.PYSOCKET_LOOP_POLLER = 'thread'
require('./loop.test')
