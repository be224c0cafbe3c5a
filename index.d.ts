/**
 * pysocket: Python's `socket` module for Node.js and TypeScript, with
 * Python's names, tuples, exceptions and timeouts, and {@link loop}, a
 * Promise twin of every blocking call.
 *
 * ```ts
 * import * as socket from 'pysocket'
 * using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
 * s.connect(['127.0.0.1', 8080])
 * ```
 *
 * Addresses are typed by the socket's family ({@link SockAddress}); the
 * specification is Python's documentation of the socket module.
 * @packageDocumentation
 */
export * from './lib/constants';
export { OSError, error, timeout, gaierror, herror, ValueError, OverflowError, MemoryError, BlockingIOError, ChildProcessError, ConnectionError, BrokenPipeError, ConnectionAbortedError, ConnectionRefusedError, ConnectionResetError, FileExistsError, FileNotFoundError, InterruptedError, IsADirectoryError, NotADirectoryError, PermissionError, ProcessLookupError, TimeoutError, } from './lib/errors';
export { UnicodeError, UnicodeEncodeError, UnicodeDecodeError } from './lib/unicode';
import { socket as socketClass, type SocketConstructor } from './lib/socket';
export { getdefaulttimeout, setdefaulttimeout } from './lib/socket';
export type { SocketConstructor, SocketOptions } from './lib/socket';
/**
 * Python's `socket.socket`: a new socket object, with or without `new`.
 * @class
 */
export declare const socket: SocketConstructor;
/**
 * A socket object, the type of what `socket.socket(...)` returns: `F` its
 * family, `T` its type and `P` its protocol where known (`number` otherwise).
 */
export type socket<F extends number = number, T extends number = number, P extends number = number> = socketClass<F, T, P>;
/** Python's `socket.SocketType`: the same class as {@link socket}. */
export declare const SocketType: SocketConstructor;
/** The type of a socket object, as {@link socket}. */
export type SocketType<F extends number = number, T extends number = number, P extends number = number> = socketClass<F, T, P>;
export { socketpair, fromfd, close, has_ipv6, create_connection, create_server, has_dualstack_ipv6, } from './lib/create';
export type { CreateServerOptions, CreateConnectionOptions, ConnectionSocket } from './lib/create';
export { getaddrinfo, getnameinfo, gethostbyname, gethostbyname_ex, gethostbyaddr, gethostname, sethostname, getfqdn, getprotobyname, getservbyname, getservbyport, if_nameindex, if_nametoindex, if_indextoname, } from './lib/netdb';
export type { AddrInfo, HostEntry, GetaddrinfoOptions } from './lib/netdb';
export { htons, ntohs, htonl, ntohl, inet_aton, inet_ntoa, inet_pton, inet_ntop } from './lib/inet';
export type { BytesLike, SockAddress, SockAddressInput, RecvAddress, InetAddress, Inet6Address, Inet6AddressInput, UnixAddress, UnixAddressInput, NetlinkAddress, PacketAddress, PacketAddressInput, CanAddress, CanIsotpAddress, CanJ1939Address, CanJ1939AddressInput, AlgAddress, AlgAddressInput, VsockAddress, TipcAddress, TipcAddressInput, QipcrtrAddress, BluetoothL2capAddress, BluetoothRfcommAddress, BluetoothHciAddress, BluetoothHciAddressInput, BluetoothScoAddress, BluetoothScoAddressInput, UnknownFamilyAddress, } from './lib/addresses';
export { BDADDR_ANY, BDADDR_LOCAL, get_local_cid, SystemError } from './lib/family';
export type { AfalgOptions } from './lib/family';
export { send_fds, recv_fds, CMSG_LEN, CMSG_SPACE } from './lib/msg';
export type { AncItem, AncItemInput } from './lib/msg';
export type { SendfileSource } from './lib/sendfile';
export { SocketIO, UnsupportedOperation } from './lib/makefile';
export type { MakefileOptions, SocketFile, BufferedSocketFile, TextSocketFile, } from './lib/makefile';
export type { MmsgReceived, MmsgOutgoing } from './lib/mmsg';
export { loop } from './lib/loop';
export type { LoopOptions } from './lib/loop';
export { SocketStream } from './lib/stream';
export type { SocketStreamOptions, LocalAddressInfo } from './lib/stream';
export { MessageStream } from './lib/messages';
export type { MessageStreamOptions } from './lib/messages';
export { StreamServer } from './lib/serve';
export type { ServeOptions, ConnectionHandler } from './lib/serve';
export { fromnode } from './lib/adopt';
