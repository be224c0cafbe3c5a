import os from 'node:os'

import test from 'ava'

import * as socket from '../index'
import { fast } from '../lib/fast'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

test('recv_into writes through a view at its byte offset, only nbytes', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  a.sendall(Buffer.from('hello'))
  const backing = Buffer.alloc(10, 0x2e)
  t.is(b.recv_into(backing.subarray(3), 2), 2)
  t.is(backing.toString(), '...he.....')
  t.is(b.recv(16).toString(), 'llo')
})

test('send and recv_into take any ArrayBufferView', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  t.is(a.send(new Uint16Array([0x4241, 0x4443])), 4)
  const out = new DataView(new ArrayBuffer(8), 2)
  t.is(b.recv_into(out), 4)
  t.deepEqual([...new Uint8Array(out.buffer, 2, 4)], [0x41, 0x42, 0x43, 0x44])
})

test('the fast-path calls reject bad arguments with an exception', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  const call = fast.fastRecvInto as (...args: unknown[]) => number
  const send = fast.fastSend as (...args: unknown[]) => number
  t.throws(() => call(), { message: '5 arguments expected' })
  t.throws(() => call('3', Buffer.alloc(1), 1, 0, 0), { message: 'a number expected' })
  t.throws(() => call(b.fileno(), 'str', 1, 0, 0), { message: 'a Uint8Array expected' })
  t.throws(() => call(b.fileno(), new Uint16Array(2), 1, 0, 0), {
    message: 'a Uint8Array expected',
  })
  t.throws(() => send(a.fileno(), {}, 0, 0), { message: 'a Uint8Array expected' })
  t.throws(() => send(a.fileno(), Buffer.from('x'), 0), { message: '4 arguments expected' })
  // An nbytes past the view is clamped to it.
  a.sendall(Buffer.from('abcdef'))
  const small = Buffer.alloc(2)
  t.is(call(b.fileno(), small, 1e9, 0, 0), 2)
  t.is(small.toString(), 'ab')
})

test('a closed socket gives EBADF through the fast path', (t) => {
  const [a, b] = socket.socketpair()
  b.close()
  a.close()
  const err = t.throws(() => a.recv(1)) as socket.OSError
  t.true(err instanceof socket.OSError)
  t.is(err.errno, 9)
  t.throws(() => a.send(Buffer.from('x')), {
    instanceOf: socket.OSError,
    message: '[Errno 9] Bad file descriptor',
  })
})

test('the fast path returns -errno for a failed syscall instead of throwing', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  a.setblocking(false)
  t.is(fast.fastRecvInto(a.fileno(), Buffer.alloc(4), 4, 0, 0), -os.constants.errno.EAGAIN)
})

test('an empty non-blocking read raises BlockingIOError built once, without frames', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  a.setblocking(false)
  const err = t.throws(() => a.recv_into(Buffer.alloc(4))) as socket.OSError
  t.true(err instanceof socket.BlockingIOError)
  t.is(err.errno, os.constants.errno.EAGAIN)
  t.is(err.message, `[Errno ${os.constants.errno.EAGAIN}] Resource temporarily unavailable`)
  t.is(err.code, 'EAGAIN')
  t.is(err.syscall, 'recv')
  t.is(err.stack, `BlockingIOError: ${err.message}`)
  // The stack limit is restored: other errors keep their frames.
  t.true(new Error('x').stack!.split('\n').length > 1)
  a.close()
  const bad = t.throws(() => a.recv(1)) as socket.OSError
  t.true(bad.stack!.split('\n').length > 1)
})

test('every receiving method of a non-blocking socket raises BlockingIOError, call after call', (t) => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  using _a = a
  using _b = b
  const srv = socket.create_server(['127.0.0.1', 0])
  using _srv = srv
  for (const s of [a, srv]) s.setblocking(false)
  const buf = Buffer.alloc(8)
  const calls: Array<[string, () => unknown]> = [
    ['recv', () => a.recv(8)],
    ['recv', () => a.recv_into(buf)],
    ['recvfrom', () => a.recvfrom(8)],
    ['recvfrom', () => a.recvfrom_into(buf)],
    ['recvmsg', () => a.recvmsg(8, 64)],
    ['recvmsg_into', () => a.recvmsg_into([buf])],
    ['recvmsg_into', () => a.recvmsg_into([buf, Buffer.alloc(4)])],
    ['recvmsg', () => socket.recv_fds(a, 8, 2)],
    ['accept', () => srv.accept()],
  ]
  // Enough calls for V8 to optimize whatever runs on the way.
  let wrong = ''
  for (let i = 0; i < 2000; i++) {
    for (const [syscall, call] of calls) {
      try {
        call()
        wrong ||= `${syscall} returned on call ${i}`
      } catch (e) {
        const err = e as socket.OSError
        if (!(err instanceof socket.BlockingIOError) || err.errno !== os.constants.errno.EAGAIN) {
          wrong ||= `${syscall} on call ${i}: ${String(err)}`
        } else if (i === 0) t.is(err.syscall, syscall)
      }
    }
  }
  t.is(wrong, '')
  // And the sockets still work.
  b.send(Buffer.from('ok'))
  t.is(a.recv(8).toString(), 'ok')
})

test('errors other than an errno cross the addon as [kind, payload] values', (t) => {
  const [a, b] = socket.socketpair()
  using _a = a
  using _b = b
  a.settimeout(0.01)
  // A deadline: the addon throws ['timeout', null], Python's TimeoutError.
  t.throws(() => a.recv_into(Buffer.alloc(1)), {
    instanceOf: socket.TimeoutError,
    message: 'timed out',
  })
  let raw: unknown
  try {
    fast.fastRecvInto(a.fileno(), Buffer.alloc(1), 1, 0, 0.01)
  } catch (e) {
    raw = e
  }
  t.deepEqual(raw, ['timeout', null])
})
