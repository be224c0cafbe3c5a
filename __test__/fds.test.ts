// Passing fds between processes: a child Node process gets one end of a
// Unix socketpair as its fd 3, receives an open file and a socket over it,
// uses both, and sends an fd of its own back.
import test from 'ava'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

const pkg = path.join(__dirname, '..', 'index.js')

const CHILD = `
const fs = require('node:fs')
const socket = require(process.argv[1])
const s = socket.socket({ fileno: 3 })
const [msg, fds, flags] = socket.recv_fds(s, 64, 8)
const [file, sockFd, ...rest] = fds
const buf = Buffer.alloc(64)
const n = fs.readSync(file, buf, 0, 64, 0)
const peer = socket.socket({ fileno: sockFd })
peer.sendall(Buffer.from('child read: ' + buf.subarray(0, n).toString()))
// Send an fd of the child's own back: a file it creates.
const mine = fs.openSync(process.argv[2], 'w+')
fs.writeSync(mine, 'written by the child')
socket.send_fds(s, [Buffer.from(JSON.stringify({ msg: msg.toString(), flags, count: fds.length, extra: rest.length }))], [mine])
`

function run(args: string[], stdioFd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, ...args], {
      stdio: ['ignore', 'inherit', 'inherit', stdioFd],
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve(code ?? -1))
  })
}

test('a child process receives a file and a socket, uses them, and sends an fd back', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pysocket-fds-'))
  const [parent, child] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  const [x, y] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
  const secret = path.join(dir, 'secret')
  fs.writeFileSync(secret, 'the secret')
  const file = fs.openSync(secret, 'r')
  try {
    socket.send_fds(parent, [Buffer.from('take these')], [file, x.fileno(), file, x.fileno()])
    const code = await run([pkg, path.join(dir, 'from-child')], child.fileno())
    t.is(code, 0)
    t.is(y.recv(64).toString(), 'child read: the secret')
    const [msg, fds] = socket.recv_fds(parent, 256, 4)
    t.deepEqual(JSON.parse(msg.toString()), { msg: 'take these', flags: 0, count: 4, extra: 2 })
    t.is(fds.length, 1)
    const back = Buffer.alloc(64)
    const n = fs.readSync(fds[0], back, 0, 64, 0)
    t.is(back.subarray(0, n).toString(), 'written by the child')
    t.is(fs.fstatSync(fds[0]).ino, fs.statSync(path.join(dir, 'from-child')).ino)
    fs.closeSync(fds[0])
  } finally {
    fs.closeSync(file)
    for (const s of [parent, child, x, y]) s.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('many fds across many messages to a child keep order and identity', async (t) => {
  const [parent, child] = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
  const script = `
const fs = require('node:fs')
const socket = require(process.argv[1])
const s = socket.socket({ fileno: 3 })
const inodes = []
for (let i = 0; i < 20; i++) {
  const [, fds] = socket.recv_fds(s, 16, 4)
  for (const fd of fds) { inodes.push(fs.fstatSync(fd).ino); fs.closeSync(fd) }
}
s.sendall(Buffer.from(JSON.stringify(inodes)))
`
  const files = [__filename, pkg, path.join(__dirname, '..', 'package.json')]
  const fds = files.map((f) => fs.openSync(f, 'r'))
  try {
    for (let i = 0; i < 20; i++) socket.send_fds(parent, [Buffer.from(String(i))], fds)
    const code = await new Promise<number>((resolve, reject) => {
      const c = spawn(process.execPath, ['-e', script, pkg], {
        stdio: ['ignore', 'inherit', 'inherit', child.fileno()],
      })
      c.on('error', reject)
      c.on('exit', (n) => resolve(n ?? -1))
    })
    t.is(code, 0)
    const inodes = JSON.parse(parent.recv(1 << 16).toString())
    const want = fds.map((fd) => fs.fstatSync(fd).ino)
    t.deepEqual(inodes, Array.from({ length: 20 }, () => want).flat())
  } finally {
    for (const fd of fds) fs.closeSync(fd)
    parent.close()
    child.close()
  }
})

// Serial: a signal (SIGCHLD of another test's child) may end a MSG_WAITALL
// wait early with what has arrived, in CPython as here.
test.serial(
  'MSG_WAITALL waits for the whole count across separate writes of another process',
  async (t) => {
    const [parent, child] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    const writer = `
const fs = require('node:fs')
fs.writeSync(3, 'ab')
setTimeout(() => fs.writeSync(3, 'cd'), 50)
`
    const c = spawn(process.execPath, ['-e', writer], {
      stdio: ['ignore', 'inherit', 'inherit', child.fileno()],
    })
    const exited = new Promise((resolve) => c.on('exit', resolve))
    child.close()
    const [data, , flags] = parent.recvmsg(4, 0, socket.MSG_WAITALL)
    t.is(data.toString(), 'abcd')
    t.is(flags, 0)
    await exited
    parent.close()
  },
)
