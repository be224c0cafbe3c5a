// The exported constants and enums against python3 on this machine, and
// against CPython 3.13's list for Linux (shared/reference): every name
// either has is exported with its value; the names beyond python3's are
// listed in the test log.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { platform } from 'node:os'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

const PY = String.raw`
import json, socket, _socket
consts = {n: int(getattr(_socket, n)) for n in dir(_socket)
          if n.isupper() and isinstance(getattr(_socket, n), int) and not isinstance(getattr(_socket, n), bool)}
strings = {n: getattr(_socket, n) for n in dir(_socket) if n.isupper() and isinstance(getattr(_socket, n), str)}
enums = {e: {n: int(m) for n, m in getattr(socket, e).__members__.items()}
         for e in ('AddressFamily', 'SocketKind', 'MsgFlag', 'AddressInfo')}
names = {e: {int(m): m.name for m in getattr(socket, e)} for e in enums}
json.dump({'consts': consts, 'strings': strings, 'enums': enums, 'names': names}, __import__('sys').stdout)
`

interface PyView {
  consts: Record<string, number>
  strings: Record<string, string>
  enums: Record<string, Record<string, number>>
  names: Record<string, Record<string, string>>
}

const py = JSON.parse(execFileSync(python3(), ['-c', PY], { encoding: 'utf8' })) as PyView
const ours = socket as unknown as Record<string, unknown>
const REFERENCE = '/work/shared/reference/cpython-3.13-linux-constants.json'
const BLUETOOTH = /^(AF_BLUETOOTH|BTPROTO_\w+|HCI_\w+|SOL_HCI|BDADDR_\w+)$/

test('every constant python3 exports has the same value here', (t) => {
  const diffs: string[] = []
  for (const [name, value] of Object.entries(py.consts)) {
    if (ours[name] !== value)
      diffs.push(`${name}: python3 ${value}, pysocket ${String(ours[name])}`)
  }
  for (const [name, value] of Object.entries(py.strings)) {
    if (ours[name] !== value)
      diffs.push(`${name}: python3 ${value}, pysocket ${String(ours[name])}`)
  }
  t.deepEqual(diffs, [])
  t.true(Object.keys(py.consts).length > 100)
})

test("CPython 3.13's Linux constants are all here, with their values", (t) => {
  const reference = existsSync(REFERENCE)
    ? (JSON.parse(readFileSync(REFERENCE, 'utf8')) as { constants: Record<string, number> })
        .constants
    : {}
  // The differences from what python3 exports, listed for the reader: names
  // of newer CPython versions, Bluetooth (this python3 was built without
  // its headers), and names pysocket exports that no CPython does.
  const extra = Object.keys(socket.constants).filter((n) => !(n in py.consts))
  const newer = extra.filter((n) => n in reference)
  const bluetooth = extra.filter((n) => !(n in reference) && BLUETOOTH.test(n))
  const beyond = extra.filter((n) => !(n in reference) && !BLUETOOTH.test(n))
  t.log(`in CPython 3.13 but not this python3 (${newer.length}): ${newer.join(' ')}`)
  t.log(`Bluetooth (${bluetooth.length}): ${bluetooth.join(' ')}`)
  t.log(`exported by pysocket only (${beyond.length}): ${beyond.join(' ')}`)
  if (platform() !== 'linux' || !existsSync(REFERENCE)) {
    t.pass('no CPython 3.13 Linux reference for this platform')
    return
  }
  const missing = Object.keys(reference).filter((n) => reference[n] !== socket.constants[n])
  t.deepEqual(missing, [], 'CPython 3.13 constants missing or different')
  t.true(Object.keys(reference).length >= 372)
})

test('the enums have python3 members, values and reverse names', (t) => {
  const diffs: string[] = []
  for (const [enumName, members] of Object.entries(py.enums)) {
    const E = ours[enumName] as Record<string | number, string | number>
    for (const [name, value] of Object.entries(members)) {
      if (E[name] !== value)
        diffs.push(`${enumName}.${name}: python3 ${value}, pysocket ${E[name]}`)
    }
    for (const [value, name] of Object.entries(py.names[enumName])) {
      if (E[value] !== name)
        diffs.push(`${enumName}[${value}]: python3 ${name}, pysocket ${E[value]}`)
    }
  }
  t.deepEqual(diffs, [])
})

test('sockets and getaddrinfo report enum values', (t) => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  t.is(socket.AddressFamily[s.family], 'AF_INET')
  t.is(socket.SocketKind[s.type], 'SOCK_STREAM')
  const [[family, type]] = socket.getaddrinfo('127.0.0.1', 80, 0, socket.SOCK_DGRAM)
  t.is(socket.AddressFamily[family], 'AF_INET')
  t.is(socket.SocketKind[type], 'SOCK_DGRAM')
  t.is((socket.AddressFamily as unknown as Record<number, string | undefined>)[12345], undefined)
})
