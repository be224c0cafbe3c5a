// The examples of examples/ run as programs: each is started with node and
// must exit 0 with the output it promises. A family this kernel refuses
// (EAFNOSUPPORT) skips its example with the reason; the type tests compile
// every example against the shipped declarations either way.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'

checkFdLeaks(test)

/** Why `socket(family, type, proto)` cannot be made here, or null if it can. */
function unavailable(family: number, type: number, proto = 0): string | null {
  try {
    socket.socket(family, type, proto).close()
    return null
  } catch (e) {
    return String(e)
  }
}

function run(name: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [join(__dirname, '..', 'examples', `${name}.js`), ...args],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  )
  return { status: r.status, out: r.stdout + r.stderr }
}

const cases: Array<{
  name: string
  needs: () => string | null
  check: (out: string) => boolean
}> = [
  {
    name: 'netlink_links',
    needs: () => unavailable(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE),
    check: (out) => out.split('\n').includes(`${socket.if_nametoindex('lo')} lo`),
  },
  {
    name: 'packet_capture',
    needs: () => unavailable(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(socket.ETH_P_ALL)),
    // The datagram to 127.0.0.1, outgoing (4) then incoming (0), as IPv4 (800).
    check: (out) => /^lo 800 4 /m.test(out) && /^lo 800 0 /m.test(out),
  },
  {
    name: 'fd_passing',
    needs: () => null,
    check: (out) => out.includes('one fd -> Name:') && out.includes('mine: true'),
  },
  {
    name: 'abstract_seqpacket',
    needs: () => null,
    check: (out) => out.startsWith('first second\nabstract pysocket-example-'),
  },
  {
    name: 'alg_hash',
    needs: () => unavailable(socket.AF_ALG, socket.SOCK_SEQPACKET),
    check: (out) =>
      out.trim() === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  {
    name: 'can_raw',
    needs: () =>
      unavailable(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW) ??
      (socket.if_nameindex().some(([, n]) => n === 'vcan0') ? null : 'no vcan0 interface'),
    check: (out) => out.trim() === 'vcan0 123 pysock',
  },
]

for (const { name, needs, check } of cases) {
  const reason = needs()
  if (reason !== null) {
    test.skip(`examples/${name} (skipped: ${reason})`, () => {})
    continue
  }
  test(`examples/${name} runs`, (t) => {
    const { status, out } = run(name)
    t.is(status, 0, out)
    t.true(check(out), out)
  })
}
