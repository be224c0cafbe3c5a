// The lifetime tests with the reactor-thread fallback instead of libuv poll
// handles; the child processes they start inherit the choice.
process.env.PYSOCKET_LOOP_POLLER = 'thread'
require('./lifetime.test')
