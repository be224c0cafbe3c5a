// pysocket: Python's socket module for Node.js.
//
//   import * as socket from 'pysocket'
//   const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
export * from './lib/constants'
export {
  OSError,
  error,
  timeout,
  gaierror,
  herror,
  ValueError,
  OverflowError,
  BlockingIOError,
  ChildProcessError,
  ConnectionError,
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  InterruptedError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
  ProcessLookupError,
  TimeoutError,
} from './lib/errors'
export { socket, SocketType, getdefaulttimeout, setdefaulttimeout } from './lib/socket'
export type { SocketConstructor, SocketOptions } from './lib/socket'
export {
  socketpair,
  fromfd,
  close,
  has_ipv6,
  create_connection,
  create_server,
  has_dualstack_ipv6,
} from './lib/create'
export type { CreateServerOptions } from './lib/create'
export { getaddrinfo } from './lib/netdb'
export type { AddrInfo } from './lib/netdb'
export type { Address } from './lib/address'
export { loop } from './lib/loop'
export type { LoopOptions } from './lib/loop'
