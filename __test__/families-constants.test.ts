// The families' constants have python3's values, name for name.
import { execFileSync } from 'node:child_process'

import test from 'ava'

import * as socket from '../index'
import { checkFdLeaks } from './helpers/fds'
import { python3 } from './helpers/python'

checkFdLeaks(test)

// (The other IPPROTO_* and SOL_* constants are not the families'.)
const PREFIXES =
  /^(AF_|PF_|NETLINK_|PACKET_|CAN_|ALG_|SOL_(ALG|CAN|TIPC|RDS|HCI)|VMADDR|SO_VM|IOCTL_VM|VM_SOCKETS|TIPC_|BTPROTO|HCI_|UDPLITE|IPPROTO_(UDPLITE|MPTCP)|J1939|SCM_J1939|ETH_P|ARPHRD)/

test('every family constant python3 has, we have with its value', (t) => {
  const py = JSON.parse(
    execFileSync(
      python3(),
      [
        '-c',
        'import socket, json; print(json.dumps({n: getattr(socket, n) for n in dir(socket) if n.isupper() and isinstance(getattr(socket, n), int)}))',
      ],
      { encoding: 'utf8' },
    ),
  ) as Record<string, number>
  const ours = socket as unknown as Record<string, unknown>
  const names = Object.keys(py).filter((n) => PREFIXES.test(n))
  const missing = names.filter((n) => ours[n] === undefined)
  // (ALG_OP_SIGN/VERIFY and ALG_SET_PUBKEY, gone from newer kernel headers,
  // come from pysocket_core::kernel, as CPython still exports them.)
  t.deepEqual(missing, [])
  for (const n of names) if (ours[n] !== undefined) t.is(ours[n], py[n], n)
  t.log(`${names.length - missing.length} constants compared`)
})
